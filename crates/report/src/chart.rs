//! Chart images of the report model's [`Chart`]: PNG (and raw RGB for the PDF) through plotters'
//! bitmap backend, SVG for the UI, all drawn by one function so they look the same. Text uses the
//! embedded DejaVu Sans registered from bytes; no system font is ever looked up.
//! Renders only: no store, no clock, no file system.

use std::sync::OnceLock;

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};

use super::{
    format_number, Chart, ChartKind, ChartPoint, ColumnKind, FONT_BOLD, FONT_FAMILY, FONT_REGULAR,
};
use steward_domain::{Error, Result};

/// The size of [`render_svg`]'s image, in CSS pixels.
pub const SVG_SIZE: (u32, u32) = (800, 400);

/// Series colours: muted, distinguishable, and legible in greyscale print.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0x2F, 0x5D, 0x8A), // navy
    RGBColor(0xE0, 0x7B, 0x39), // orange
    RGBColor(0x3C, 0x9D, 0x8F), // teal
    RGBColor(0xB8, 0x3B, 0x3B), // red
    RGBColor(0x7D, 0x5B, 0xA6), // purple
    RGBColor(0xC9, 0xA2, 0x27), // ochre
    RGBColor(0x5B, 0x8F, 0xC9), // sky
    RGBColor(0x7F, 0x7F, 0x7F), // grey
];
const INK: RGBColor = RGBColor(0x22, 0x2B, 0x36);
const MUTED: RGBColor = RGBColor(0x5F, 0x6B, 0x7A);
const GRID: RGBColor = RGBColor(0xDD, 0xE2, 0xE8);
const AXIS: RGBColor = RGBColor(0x9A, 0xA5, 0xB1);

/// The chart as an SVG document of [`SVG_SIZE`], with its title. A chart the model checks
/// reject is drawn as an SVG that says what is wrong, so the UI always has something to show.
pub fn render_svg(chart: &Chart) -> String {
    let mut out = String::new();
    let drawn = check(chart).and_then(|()| {
        let root = SVGBackend::with_string(&mut out, SVG_SIZE).into_drawing_area();
        draw(&root, chart, true).map_err(|e| render_error(chart, e))?;
        root.present().map_err(|e| render_error(chart, e))
    });
    match drawn {
        Ok(()) => out,
        Err(e) => error_svg(&e.to_string()),
    }
}

/// The chart as a PNG image of `width` x `height` pixels, with its title.
pub fn render_png(chart: &Chart, width: u32, height: u32) -> Result<Vec<u8>> {
    let rgb = render_rgb(chart, width, height, true)?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| render_error(chart, e))?;
    writer
        .write_image_data(&rgb)
        .map_err(|e| render_error(chart, e))?;
    writer.finish().map_err(|e| render_error(chart, e))?;
    Ok(out)
}

/// The chart's pixels, 8-bit RGB rows top to bottom: what the PDF embeds (the same raster as
/// [`render_png`], without a PNG encode and decode in between). The PDF prints the title
/// itself, as text, so `with_title` is false there.
pub(crate) fn render_rgb(
    chart: &Chart,
    width: u32,
    height: u32,
    with_title: bool,
) -> Result<Vec<u8>> {
    check(chart)?;
    if width < 100 || height < 60 || width > 8000 || height > 8000 {
        return Err(Error::Validation {
            entity: "chart",
            fields: vec![steward_domain::FieldError::new(
                "size",
                format!("{width} x {height} pixels: width and height must be between 100 x 60 and 8000 x 8000"),
            )],
        });
    }
    let mut buf = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (width, height)).into_drawing_area();
        draw(&root, chart, with_title).map_err(|e| render_error(chart, e))?;
        root.present().map_err(|e| render_error(chart, e))?;
    }
    Ok(buf)
}

fn render_error(chart: &Chart, e: impl std::fmt::Display) -> Error {
    Error::Io {
        path: format!("chart {:?}", chart.title),
        message: format!("cannot draw the chart: {e}"),
    }
}

/// Checks one chart the way [`super::Report::check`] does, and registers the fonts.
fn check(chart: &Chart) -> Result<()> {
    let mut fields = Vec::new();
    super::check_chart(chart, "chart", &mut fields);
    if !fields.is_empty() {
        return Err(Error::Validation {
            entity: "chart",
            fields,
        });
    }
    register_fonts()
}

fn register_fonts() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font(FONT_FAMILY, FontStyle::Normal, FONT_REGULAR).is_ok()
            && register_font(FONT_FAMILY, FontStyle::Bold, FONT_BOLD).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Io {
            path: "assets/fonts".into(),
            message: "the embedded chart font cannot be read".into(),
        })
    }
}

fn error_svg(message: &str) -> String {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        r##"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg"><rect width="100%" height="100%" fill="#FFFFFF"/><text x="16" y="32" font-family="{FONT_FAMILY}, sans-serif" font-size="14" fill="#B83B3B">{escaped}</text></svg>"##,
        w = SVG_SIZE.0,
        h = SVG_SIZE.1
    )
}

pub(crate) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The value axis: its ends and tick positions, all multiples of one "nice" step.
struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    /// Decimals a tick label needs.
    decimals: u8,
}

fn value_axis(chart: &Chart) -> Axis {
    let n = chart.categories.len();
    let (mut lo, mut hi) = if chart.stacked && chart.kind != ChartKind::Line {
        let mut lo = 0f64;
        let mut hi = 0f64;
        for i in 0..n {
            let vals = chart
                .series
                .iter()
                .filter_map(|s| s.values.get(i).copied().flatten());
            let (neg, pos) = vals.fold(
                (0.0, 0.0),
                |(n, p), v| if v < 0.0 { (n + v, p) } else { (n, p + v) },
            );
            lo = lo.min(neg);
            hi = hi.max(pos);
        }
        (lo, hi)
    } else {
        let all = chart
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied());
        let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
        if lo > hi {
            (0.0, 0.0)
        } else if chart.kind == ChartKind::Line {
            (lo, hi)
        } else {
            (lo.min(0.0), hi.max(0.0))
        }
    };
    if chart.kind == ChartKind::Line {
        // Lines need not start at zero, but a flat line still needs some height.
        let pad = ((hi - lo) * 0.08)
            .max(hi.abs().max(lo.abs()) * 0.05)
            .max(1e-9);
        if lo == hi {
            lo -= pad.max(1.0);
            hi += pad.max(1.0);
        } else {
            lo -= pad;
            hi += pad;
        }
        if lo < 0.0
            && chart
                .series
                .iter()
                .flat_map(|s| s.values.iter().flatten())
                .all(|v| *v >= 0.0)
        {
            lo = 0.0;
        }
    } else if lo == 0.0 && hi == 0.0 {
        hi = 1.0;
    }
    let room = chart.kind != ChartKind::Line && !chart.stacked;
    ticks(lo, hi, &chart.value_kind, room)
}

/// The round ticks of an axis from `lo` to `hi`; `label_room` adds a step at an end that a
/// bar's value label would otherwise overrun.
fn ticks(lo: f64, hi: f64, kind: &ColumnKind, label_room: bool) -> Axis {
    let integer = matches!(kind, ColumnKind::Integer);
    let mut step = nice_step((hi - lo) / 5.0);
    if integer {
        step = step.max(1.0).round();
    }
    let mut a = (lo / step).floor() * step;
    let mut b = (hi / step).ceil() * step;
    // Room for the value labels at the ends of the bars.
    if label_room {
        if b > 0.0 && b - hi < 0.12 * (b - a) {
            b += step;
        }
        if a < 0.0 && lo - a < 0.12 * (b - a) {
            a -= step;
        }
    }
    let count = ((b - a) / step).round() as i64;
    let ticks = (0..=count)
        .map(|k| a + k as f64 * step)
        .map(|t| if t.abs() < step * 1e-9 { 0.0 } else { t })
        .collect();
    let scaled = if matches!(kind, ColumnKind::Percent { .. }) {
        step * 100.0
    } else {
        step
    };
    let decimals = if scaled >= 1.0 {
        0
    } else {
        (-scaled.log10().floor()) as u8
    };
    Axis {
        lo: a,
        hi: b,
        ticks,
        decimals,
    }
}

/// The category centres that carry a label: every one up to 15 categories; past that, every
/// 2nd, 3rd, 6th, 12th or 24th (the first step that leaves at most 15 labels), counted
/// from the first, so 60 months read 1, 7, 13... rather than 60 crowded numbers.
fn labelled_centres(centres: &[f64]) -> Vec<f64> {
    const MOST: usize = 15;
    let step = [1, 2, 3, 6, 12, 24]
        .into_iter()
        .find(|s| centres.len().div_ceil(*s) <= MOST)
        .unwrap_or(centres.len().div_ceil(MOST).max(1));
    centres.iter().copied().step_by(step).collect()
}

/// A linear axis whose ticks and grid lines are exactly `points`: category centres, or the
/// value axis's round steps.
struct Ticks {
    lo: f64,
    hi: f64,
    points: Vec<f64>,
}

impl Ranged for Ticks {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        if span <= 0.0 {
            return (limit.0 + limit.1) / 2;
        }
        limit.0 + ((v - self.lo) / span * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Bold points only: no light grid between the ticks.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.points.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// A tick label: plain numbers (the currency code goes in the axis title), percent for
/// percent, and k/M suffixes for big values.
fn tick_label(v: f64, kind: &ColumnKind, decimals: u8) -> String {
    match kind {
        ColumnKind::Percent { .. } => format!("{}%", format_number(v * 100.0, decimals)),
        _ if v.abs() >= 1e9 => format!("{}B", trim_zeros(format_number(v / 1e9, 2))),
        _ if v.abs() >= 1e6 => format!("{}M", trim_zeros(format_number(v / 1e6, 2))),
        _ if v.abs() >= 1e4 => format!("{}k", trim_zeros(format_number(v / 1e3, 1))),
        _ => format_number(v, decimals),
    }
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A value at the end of a bar.
fn value_label(v: f64, kind: &ColumnKind) -> String {
    match kind {
        ColumnKind::Currency { .. } => format_number(v, 2),
        other => super::Cell::Number(v).display(other),
    }
}

/// The value axis title: the model's label, with the currency code for currency.
fn value_title(chart: &Chart) -> String {
    axis_title(&chart.value_label, &chart.value_kind)
}

/// How wide `text` is in `font`, in pixels.
fn text_width<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    font: &FontDesc<'_>,
) -> u32 {
    root.estimate_text_size(text, &TextStyle::from(font.clone()))
        .map_or(0, |(w, _)| w)
}

/// Shortens `text` with an ellipsis until it is at most `max_px` wide in `font`.
fn fit<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    font: &FontDesc<'_>,
    max_px: u32,
) -> String {
    let width = |s: &str| text_width(root, s, font);
    if width(text) <= max_px {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 1 {
        keep -= 1;
        let s: String = chars[..keep]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…";
        if width(&s) <= max_px {
            return s;
        }
    }
    "…".to_string()
}

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Draws the whole chart on `root`. Sizes scale with the image: 1.0 is an 800 x 400 image.
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
    with_title: bool,
) -> DrawResult<DB> {
    let (w, h) = root.dim_in_pixel();
    let s = (f64::from(w) / 800.0).min(f64::from(h) / 400.0);
    let px = |v: f64| (v * s).round().max(1.0) as i32;
    let fs = |v: f64| v * s;
    root.fill(&WHITE)?;

    let title_font = FontDesc::new(FontFamily::Name(FONT_FAMILY), fs(17.0), FontStyle::Bold);
    let label_font = FontDesc::new(FontFamily::Name(FONT_FAMILY), fs(12.5), FontStyle::Normal);
    let small_font = FontDesc::new(FontFamily::Name(FONT_FAMILY), fs(11.5), FontStyle::Normal);
    let margin = px(14.0);

    // Header: title, then a legend row when there is more than one series.
    let mut top = margin;
    if with_title && !chart.title.is_empty() {
        let title = fit(
            root,
            &chart.title,
            &title_font,
            w.saturating_sub(2 * margin as u32),
        );
        root.draw(&Text::new(title, (margin, top), title_font.color(&INK)))?;
        top += px(30.0);
    }
    // The legend: a bubble chart's groups, or the series when there is more than one.
    let legend: Vec<&str> = if chart.kind == ChartKind::Bubble {
        chart.categories.iter().map(String::as_str).collect()
    } else if chart.series.len() > 1 {
        chart.series.iter().map(|s| s.name.as_str()).collect()
    } else {
        Vec::new()
    };
    if !legend.is_empty() {
        let mut x = margin;
        let sw = px(12.0);
        for (i, entry) in legend.iter().enumerate() {
            root.draw(&Rectangle::new(
                [(x, top + px(1.0)), (x + sw, top + px(1.0) + sw)],
                color(i).filled(),
            ))?;
            let name = fit(root, entry, &label_font, (w / 3).max(60));
            let tw = text_width(root, &name, &label_font) as i32;
            root.draw(&Text::new(
                name,
                (x + sw + px(6.0), top),
                label_font.color(&INK),
            ))?;
            x += sw + px(6.0) + tw + px(22.0);
        }
        top += px(26.0);
    }
    let (_, body) = root.split_vertically(top);
    if chart.kind == ChartKind::Bubble {
        return draw_bubbles(root, &body, chart, s);
    }

    let axis = value_axis(chart);
    let n = chart.categories.len().max(1);
    let centres: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
    let kind = &chart.value_kind;
    let axis_decimals = axis.decimals;
    let fmt_value = move |v: &f64| tick_label(*v, kind, axis_decimals);
    let value_desc = value_title(chart);
    let horizontal = chart.kind == ChartKind::HorizontalBar;

    // Category labels, shortened to the room they have.
    let plot_w_guess = w.saturating_sub(2 * margin as u32 + px(70.0) as u32);
    let cats: Vec<String> = if horizontal {
        let room = (w / 3).max(80);
        chart
            .categories
            .iter()
            .map(|c| fit(root, c, &label_font, room))
            .collect()
    } else {
        // Only every few categories carry a label on a long axis: each has that much room.
        let labelled = labelled_centres(&centres).len().max(1);
        let room = (plot_w_guess / labelled as u32)
            .saturating_sub(px(6.0) as u32)
            .max(20);
        chart
            .categories
            .iter()
            .map(|c| fit(root, c, &label_font, room))
            .collect()
    };
    let widest_cat = cats
        .iter()
        .map(|c| text_width(root, c, &label_font))
        .max()
        .unwrap_or(0);
    let widest_tick = axis
        .ticks
        .iter()
        .map(|t| text_width(root, &fmt_value(t), &label_font))
        .max()
        .unwrap_or(0);
    let desc_room = |d: &str| if d.is_empty() { 0 } else { px(22.0) };

    let mut builder = ChartBuilder::on(&body);
    builder
        .margin_left(margin)
        .margin_right(px(24.0))
        .margin_bottom(margin)
        .margin_top(px(6.0));
    let cat_index = move |v: &f64, reversed: bool| -> Option<usize> {
        let i = v.floor();
        if i < 0.0 || i >= n as f64 {
            return None;
        }
        let i = i as usize;
        Some(if reversed { n - 1 - i } else { i })
    };

    if horizontal {
        builder
            .y_label_area_size(widest_cat as i32 + px(12.0) + desc_room(&chart.category_label))
            .x_label_area_size(px(24.0) + desc_room(&value_desc));
        let mut ctx = builder.build_cartesian_2d(
            Ticks {
                lo: axis.lo,
                hi: axis.hi,
                points: axis.ticks.clone(),
            },
            Ticks {
                lo: 0.0,
                hi: n as f64,
                points: centres.clone(),
            },
        )?;
        let fmt_cat = |v: &f64| {
            cat_index(v, true)
                .and_then(|i| cats.get(i).cloned())
                .unwrap_or_default()
        };
        ctx.configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID.stroke_width(px(1.0) as u32))
            .axis_style(AXIS.stroke_width(px(1.0) as u32))
            .label_style(label_font.color(&MUTED))
            .axis_desc_style(small_font.color(&MUTED))
            .x_label_formatter(&fmt_value)
            .y_label_formatter(&fmt_cat)
            .x_desc(value_desc.clone())
            .y_desc(chart.category_label.clone())
            .set_all_tick_mark_size(px(4.0))
            .draw()?;
        // Bars: category i is drawn at y = n - 1 - i, so the first category is on top.
        let m = chart.series.len();
        let band = 0.72;
        for (si, series) in chart.series.iter().enumerate() {
            let c = color(si);
            let mut rects = Vec::new();
            let mut labels = Vec::new();
            for (i, v) in series.values.iter().enumerate() {
                let Some(v) = *v else { continue };
                let y0 = (n - 1 - i) as f64 + (1.0 - band) / 2.0;
                let (a, b, ya, yb) = if chart.stacked {
                    let (neg, pos) = stack_base(chart, si, i);
                    let base = if v < 0.0 { neg } else { pos };
                    (base, base + v, y0, y0 + band)
                } else {
                    let bw = band / m as f64;
                    (
                        0.0,
                        v,
                        y0 + bw * (m - 1 - si) as f64,
                        y0 + bw * (m - si) as f64,
                    )
                };
                rects.push(Rectangle::new([(a, ya), (b, yb)], c.filled()));
                if !chart.stacked {
                    labels.push((b, (ya + yb) / 2.0, v));
                }
            }
            ctx.draw_series(rects)?;
            if n * m <= 40 {
                let style = small_font.color(&INK);
                ctx.draw_series(labels.into_iter().map(|(x, y, v)| {
                    let (dx, anchor) = if v < 0.0 {
                        (-px(5.0), HPos::Right)
                    } else {
                        (px(5.0), HPos::Left)
                    };
                    EmptyElement::at((x, y))
                        + Text::new(
                            value_label(v, kind),
                            (dx, 0),
                            style.pos(Pos::new(anchor, VPos::Center)),
                        )
                }))?;
            }
        }
        if axis.lo < 0.0 {
            ctx.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                INK.stroke_width(px(1.5) as u32),
            )))?;
        }
        return Ok(());
    }

    builder
        .y_label_area_size(widest_tick as i32 + px(14.0) + desc_room(&value_desc))
        .x_label_area_size(px(26.0) + desc_room(&chart.category_label));
    let mut ctx = builder.build_cartesian_2d(
        Ticks {
            lo: 0.0,
            hi: n as f64,
            points: labelled_centres(&centres),
        },
        Ticks {
            lo: axis.lo,
            hi: axis.hi,
            points: axis.ticks.clone(),
        },
    )?;
    let fmt_cat = |v: &f64| {
        cat_index(v, false)
            .and_then(|i| cats.get(i).cloned())
            .unwrap_or_default()
    };
    ctx.configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(px(1.0) as u32))
        .axis_style(AXIS.stroke_width(px(1.0) as u32))
        .label_style(label_font.color(&MUTED))
        .axis_desc_style(small_font.color(&MUTED))
        .x_label_formatter(&fmt_cat)
        .y_label_formatter(&fmt_value)
        .x_desc(chart.category_label.clone())
        .y_desc(value_desc.clone())
        .set_all_tick_mark_size(px(4.0))
        .draw()?;
    if axis.lo < 0.0 {
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (n as f64, 0.0)],
            INK.stroke_width(px(1.5) as u32),
        )))?;
    }

    if chart.kind == ChartKind::Line {
        for (si, series) in chart.series.iter().enumerate() {
            let c = color(si);
            // One line per run of values; a missing value leaves a gap.
            let mut run: Vec<(f64, f64)> = Vec::new();
            let mut runs = Vec::new();
            for (i, v) in series.values.iter().enumerate() {
                match v {
                    Some(v) => run.push((centres[i], *v)),
                    None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                    None => {}
                }
            }
            if !run.is_empty() {
                runs.push(run);
            }
            for run in &runs {
                ctx.draw_series(LineSeries::new(
                    run.iter().copied(),
                    c.stroke_width(px(2.5) as u32),
                ))?;
            }
            if n <= 60 {
                let r = px(3.5);
                ctx.draw_series(
                    runs.iter()
                        .flatten()
                        .map(|&p| Circle::new(p, r, c.filled())),
                )?;
            }
        }
        return Ok(());
    }

    let m = chart.series.len();
    let band = 0.7;
    for (si, series) in chart.series.iter().enumerate() {
        let c = color(si);
        let mut rects = Vec::new();
        let mut labels = Vec::new();
        for (i, v) in series.values.iter().enumerate() {
            let Some(v) = *v else { continue };
            let x0 = i as f64 + (1.0 - band) / 2.0;
            let (xa, xb, a, b) = if chart.stacked {
                let (neg, pos) = stack_base(chart, si, i);
                let base = if v < 0.0 { neg } else { pos };
                (x0, x0 + band, base, base + v)
            } else {
                let bw = band / m as f64;
                (x0 + bw * si as f64, x0 + bw * (si + 1) as f64, 0.0, v)
            };
            rects.push(Rectangle::new([(xa, a), (xb, b)], c.filled()));
            if !chart.stacked {
                labels.push(((xa + xb) / 2.0, b, v));
            }
        }
        ctx.draw_series(rects)?;
        if n * m <= 40 {
            let style = small_font.color(&INK);
            ctx.draw_series(labels.into_iter().map(|(x, y, v)| {
                let (dy, anchor) = if v < 0.0 {
                    (px(4.0), VPos::Top)
                } else {
                    (-px(4.0), VPos::Bottom)
                };
                EmptyElement::at((x, y))
                    + Text::new(
                        value_label(v, kind),
                        (0, dy),
                        style.pos(Pos::new(HPos::Center, anchor)),
                    )
            }))?;
        }
    }
    Ok(())
}

/// The axis of a bubble chart over `values`: from zero (or below, for negative values) to past
/// the largest value, with room at the ends for the bubbles.
fn bubble_axis(values: impl Iterator<Item = f64>, kind: &ColumnKind) -> Axis {
    let (lo, hi) = values.fold((0f64, 0f64), |(l, h), v| (l.min(v), h.max(v)));
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let (lo, hi) = if lo == hi {
        (0.0, 1.0)
    } else {
        (
            if lo < 0.0 { lo - pad } else { lo },
            if hi > 0.0 { hi + pad } else { hi },
        )
    };
    ticks(lo, hi, kind, false)
}

/// An axis title with the currency code for currency values.
fn axis_title(label: &str, kind: &ColumnKind) -> String {
    match kind {
        ColumnKind::Currency { code } if label.is_empty() => code.clone(),
        // A label that names its currency already is not told it twice.
        ColumnKind::Currency { code } if label.contains(&format!("({code})")) => label.to_string(),
        ColumnKind::Currency { code } => format!("{label} ({code})"),
        _ => label.to_string(),
    }
}

/// A bubble chart in `body` (under the title and legend drawn on `root`): `category_label`
/// across, `value_label` up, one circle per point coloured by its group, its area
/// proportional to its size, the biggest drawn first so that small ones stay visible.
fn draw_bubbles<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
    chart: &Chart,
    s: f64,
) -> DrawResult<DB> {
    let px = |v: f64| (v * s).round().max(1.0) as i32;
    let label_font = FontDesc::new(FontFamily::Name(FONT_FAMILY), s * 12.5, FontStyle::Normal);
    let small_font = FontDesc::new(FontFamily::Name(FONT_FAMILY), s * 11.5, FontStyle::Normal);
    let kind = &chart.value_kind;
    let xa = bubble_axis(chart.points.iter().map(|p| p.x), kind);
    let ya = bubble_axis(chart.points.iter().map(|p| p.y), kind);
    let (xd, yd) = (xa.decimals, ya.decimals);
    let fmt_x = move |v: &f64| tick_label(*v, kind, xd);
    let fmt_y = move |v: &f64| tick_label(*v, kind, yd);
    let x_desc = axis_title(&chart.category_label, kind);
    let y_desc = axis_title(&chart.value_label, kind);
    let widest_tick = ya
        .ticks
        .iter()
        .map(|t| text_width(root, &fmt_y(t), &label_font))
        .max()
        .unwrap_or(0);
    let desc_room = |d: &str| if d.is_empty() { 0 } else { px(22.0) };
    let mut builder = ChartBuilder::on(body);
    builder
        .margin_left(px(14.0))
        .margin_right(px(24.0))
        .margin_bottom(px(14.0))
        .margin_top(px(6.0))
        .y_label_area_size(widest_tick as i32 + px(14.0) + desc_room(&y_desc))
        .x_label_area_size(px(26.0) + desc_room(&x_desc));
    let mut ctx = builder.build_cartesian_2d(
        Ticks {
            lo: xa.lo,
            hi: xa.hi,
            points: xa.ticks.clone(),
        },
        Ticks {
            lo: ya.lo,
            hi: ya.hi,
            points: ya.ticks.clone(),
        },
    )?;
    ctx.configure_mesh()
        .bold_line_style(GRID.stroke_width(px(1.0) as u32))
        .axis_style(AXIS.stroke_width(px(1.0) as u32))
        .label_style(label_font.color(&MUTED))
        .axis_desc_style(small_font.color(&MUTED))
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .x_desc(x_desc.clone())
        .y_desc(y_desc.clone())
        .set_all_tick_mark_size(px(4.0))
        .draw()?;

    let biggest = chart.points.iter().map(|p| p.size).fold(0f64, f64::max);
    // Many points get smaller bubbles, so the cloud stays readable.
    let (r_min, r_max) = if chart.points.len() > 100 {
        (2.0, 12.0)
    } else {
        (4.0, 24.0)
    };
    let radius = |size: f64| {
        let share = if biggest > 0.0 { size / biggest } else { 0.0 };
        px(r_min + (r_max - r_min) * share.sqrt())
    };
    let group = |p: &ChartPoint| {
        chart
            .categories
            .iter()
            .position(|c| *c == p.group)
            .unwrap_or(0)
    };
    let mut order: Vec<&ChartPoint> = chart.points.iter().collect();
    order.sort_by(|a, b| b.size.total_cmp(&a.size));
    ctx.draw_series(order.iter().map(|p| {
        Circle::new(
            (p.x, p.y),
            radius(p.size),
            color(group(p)).mix(0.55).filled(),
        )
    }))?;
    ctx.draw_series(order.iter().map(|p| {
        Circle::new(
            (p.x, p.y),
            radius(p.size),
            color(group(p)).stroke_width(px(1.0) as u32),
        )
    }))?;
    if chart.points.len() <= 20 {
        let style = small_font.color(&INK);
        let room = (root.dim_in_pixel().0 / 4).max(60);
        ctx.draw_series(order.iter().map(|p| {
            EmptyElement::at((p.x, p.y))
                + Text::new(
                    fit(root, &p.label, &small_font, room),
                    (radius(p.size) + px(4.0), 0),
                    style.pos(Pos::new(HPos::Left, VPos::Center)),
                )
        }))?;
    }
    if xa.lo < 0.0 {
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, ya.lo), (0.0, ya.hi)],
            INK.stroke_width(px(1.5) as u32),
        )))?;
    }
    if ya.lo < 0.0 {
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![(xa.lo, 0.0), (xa.hi, 0.0)],
            INK.stroke_width(px(1.5) as u32),
        )))?;
    }
    Ok(())
}

/// Where series `si`'s bar in category `i` starts when stacked: the sums of the earlier series'
/// negative and positive values there.
fn stack_base(chart: &Chart, si: usize, i: usize) -> (f64, f64) {
    chart.series[..si]
        .iter()
        .filter_map(|s| s.values.get(i).copied().flatten())
        .fold(
            (0.0, 0.0),
            |(n, p), v| {
                if v < 0.0 {
                    (n + v, p)
                } else {
                    (n, p + v)
                }
            },
        )
}

#[cfg(test)]
mod tests {

    #[test]
    fn long_category_axes_label_every_few_categories() {
        let centres = |n: usize| (0..n).map(|i| i as f64 + 0.5).collect::<Vec<_>>();
        assert_eq!(
            labelled_centres(&centres(12)).len(),
            12,
            "a year is labelled month by month"
        );
        let months = labelled_centres(&centres(60));
        assert_eq!(months.len(), 10, "five years, every sixth month");
        assert_eq!(months[..3], [0.5, 6.5, 12.5]);
        assert!(labelled_centres(&centres(600)).len() <= 25);
    }

    use super::*;

    #[test]
    fn steps_are_round_numbers() {
        for (raw, expected) in [
            (0.7, 1.0),
            (1.3, 2.0),
            (2.2, 2.5),
            (3.0, 5.0),
            (7.0, 10.0),
            (42.0, 50.0),
            (0.031, 0.05),
        ] {
            assert!(
                (nice_step(raw) - expected).abs() < 1e-12,
                "a step of {raw} rounds up to {expected}, so ticks read well"
            );
        }
    }

    fn bubbles() -> Chart {
        let point = |label: &str, group: &str, x, y, size| ChartPoint {
            label: label.into(),
            group: group.into(),
            x,
            y,
            size,
        };
        Chart {
            title: "Value against cost".into(),
            kind: ChartKind::Bubble,
            stacked: false,
            categories: ["Low", "Medium", "High"].map(String::from).to_vec(),
            series: Vec::new(),
            category_label: "Running cost per year".into(),
            value_label: "Value per year".into(),
            value_kind: ColumnKind::Currency { code: "EUR".into() },
            points: vec![
                point("Churn Predictor", "Medium", 120_000.0, 300_000.0, 120_000.0),
                point("Claims Triage", "High", 400_000.0, 250_000.0, 400_000.0),
                point("Doc Search", "Low", 15_000.0, 90_000.0, 15_000.0),
            ],
        }
    }

    #[test]
    fn bubble_charts_draw_their_points_groups_and_labels() {
        let c = bubbles();
        let png = render_png(&c, 800, 400).expect("a bubble chart renders to PNG");
        assert!(png.starts_with(b"\x89PNG"), "a PNG image");
        let svg = render_svg(&c);
        for text in [
            "Low",
            "Medium",
            "High",
            "Claims Triage",
            "Running cost per year (EUR)",
        ] {
            assert!(svg.contains(text), "the SVG shows {text:?}");
        }
        assert!(svg.contains("<circle"), "points are circles");

        let mut bad = bubbles();
        bad.points[0].group = "Unknown".into();
        bad.points[1].size = -1.0;
        let e = render_png(&bad, 800, 400).expect_err("refused");
        let text = e.to_string();
        assert!(
            text.contains("not one of the chart's groups") && text.contains("size 0 or more"),
            "each problem is named: {text}"
        );
        let mut mixed = bubbles();
        mixed.kind = ChartKind::Bar;
        assert!(
            render_png(&mixed, 800, 400).is_err(),
            "only a bubble chart has points"
        );
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(
            tick_label(0.25, &ColumnKind::Percent { decimals: 0 }, 0),
            "25%",
            "percent values are fractions"
        );
        assert_eq!(
            tick_label(1_500_000.0, &ColumnKind::Number { decimals: 2 }, 0),
            "1.5M",
            "millions get a suffix"
        );
        assert_eq!(
            tick_label(25_000.0, &ColumnKind::Integer, 0),
            "25k",
            "thousands get a suffix"
        );
        assert_eq!(
            tick_label(2.5, &ColumnKind::Number { decimals: 1 }, 1),
            "2.5",
            "small values keep decimals"
        );
    }
}
