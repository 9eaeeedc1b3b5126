//! The PDF writer: lays one report model out on A4 pages (portrait, or landscape per report or
//! section) with the embedded DejaVu Sans subset, a running header and "Page N of M" footer,
//! wrapped paragraphs, tables that break across pages with their header repeated, charts as
//! images and the signature box. Renders only: no store, no clock, no file system. The output
//! is a plain PDF 1.3 with a classic cross-reference table, which lopdf loads and appends to
//! (the digital signature is added afterwards as an incremental update).

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, ImageCompression, ImageOptimizationOptions, Line, LinePoint, Mm, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage,
    RawImageData, RawImageFormat, Rect, Rgb, TextItem, XObject, XObjectId, XObjectTransform,
};
use sha2::{Digest, Sha256};

use super::{
    chart, Block, Cell, Chart, Column, ColumnKind, KeyValue, Orientation, Report, Section,
    SignatureBlock, Table, FONT_BOLD, FONT_REGULAR,
};
use steward_domain::{Error, Result};

/// A4 in points.
const A4: (f32, f32) = (595.2756, 841.8898);
const MARGIN_X: f32 = 42.0;
/// Where content starts below the top edge, under the running header.
const CONTENT_TOP: f32 = 66.0;
/// How far above the bottom edge content ends, over the footer.
const CONTENT_BOTTOM: f32 = 54.0;
/// Chart images are rasterised at this resolution.
const CHART_DPI: f32 = 200.0;
/// Table text size, line height and cell padding.
const CELL_SIZE: f32 = 8.0;
const CELL_LEADING: f32 = CELL_SIZE * 1.3;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.2;
/// Tables with at most this many rows are kept on one page when they fit on one.
const SHORT_TABLE: usize = 30;
/// Text cells wrap to at most this many lines; the rest is cut with an ellipsis.
const MAX_CELL_LINES: usize = 3;

const INK: [f32; 3] = [0.133, 0.169, 0.212];
const MUTED: [f32; 3] = [0.373, 0.420, 0.478];
const ACCENT: [f32; 3] = [0.184, 0.365, 0.541];
const RULE: [f32; 3] = [0.820, 0.847, 0.878];
const ZEBRA: [f32; 3] = [0.953, 0.961, 0.973];
const WHITE: [f32; 3] = [1.0, 1.0, 1.0];

/// Renders the report to PDF bytes. The same model gives the same bytes.
pub fn render_pdf(report: &Report) -> Result<Vec<u8>> {
    report.check()?;
    let fonts = fonts()?;
    let mut w = Writer::new(report, fonts);
    w.title_block();
    for section in &report.sections {
        w.section(section)?;
    }
    if let Some(sig) = &report.signature {
        w.signature(sig);
    }
    w.running_header_and_footer();

    let mut doc = PdfDocument::new(&report.title);
    for face in [&fonts.regular, &fonts.bold] {
        doc.resources
            .fonts
            .map
            .insert(face.id.clone(), PdfFont::new(face.font.clone()));
    }
    for (id, image) in w.images {
        doc.resources.xobjects.map.insert(id, XObject::Image(image));
    }
    let at = printpdf::OffsetDateTime::from_unix_timestamp(report.generated_at.timestamp())
        .map_err(|e| Error::Io {
            path: format!("{}.pdf", report.title),
            message: format!(
                "the generation time {} cannot be written: {e}",
                report.generated_at
            ),
        })?;
    let info = &mut doc.metadata.info;
    info.document_title = report.title.clone();
    info.author = report.generated_by.clone();
    info.subject = if report.subtitle.is_empty() {
        report.title.clone()
    } else {
        report.subtitle.clone()
    };
    info.creator = "Steward".into();
    info.producer = "Steward".into();
    info.keywords = vec![report.workspace.clone()];
    info.creation_date = at;
    info.modification_date = at;
    info.metadata_date = at;

    let pages = w
        .pages
        .into_iter()
        .map(|p| PdfPage::new(Mm::from(Pt(p.w)), Mm::from(Pt(p.h)), p.ops))
        .collect();
    doc.with_pages(pages);
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        // Charts are flat colours: lossless, never downscaled (the default would shrink any image
        // over 2 MB). Without printpdf's `images` feature the pixels are written as they are;
        // these settings keep it so should the feature be switched on by another crate.
        image_optimization: Some(ImageOptimizationOptions {
            quality: Some(1.0),
            max_image_size: Some("512mb".into()),
            dither_greyscale: Some(false),
            convert_to_greyscale: Some(false),
            auto_optimize: Some(false),
            format: Some(ImageCompression::Flate),
        }),
    };
    let mut warnings = Vec::new();
    let bytes = doc.save(&opts, &mut warnings);
    Ok(with_content_id(bytes))
}

/// printpdf fills the trailer's /ID with strings from a process-wide counter, so two renders
/// of one model would differ. Replaces both strings, in place and at the same length (the
/// cross-reference offsets stay valid), with a digest of the document.
fn with_content_id(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(spans) = trailer_id_spans(&bytes) else {
        return bytes;
    };
    for &(start, end) in &spans {
        bytes[start..end].fill(b'0');
    }
    let hex = hex::encode(Sha256::digest(&bytes)).into_bytes();
    for &(start, end) in &spans {
        for (i, b) in bytes[start..end].iter_mut().enumerate() {
            *b = hex[i % hex.len()];
        }
    }
    bytes
}

/// The byte ranges of the two literal strings of the trailer's `/ID [(...)(...)]`.
fn trailer_id_spans(bytes: &[u8]) -> Option<[(usize, usize); 2]> {
    let trailer = find_last(bytes, b"trailer")?;
    let id = trailer + find_last(&bytes[trailer..], b"/ID")?;
    let mut spans = [(0, 0); 2];
    let mut i = id + 3;
    for span in &mut spans {
        while *bytes.get(i)? != b'(' {
            if !matches!(bytes[i], b' ' | b'[' | b'\r' | b'\n') {
                return None;
            }
            i += 1;
        }
        let start = i + 1;
        i = start;
        while *bytes.get(i)? != b')' {
            if bytes[i] == b'\\' || bytes[i] == b'(' {
                return None;
            }
            i += 1;
        }
        *span = (start, i);
        i += 1;
    }
    Some(spans)
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// A font and the advance widths the layout measures text with.
struct Face {
    font: ParsedFont,
    id: FontId,
    /// Advance widths in em of U+0000..U+024F (Latin), the common case.
    latin: Vec<f32>,
    upm: f32,
}

impl Face {
    fn load(bytes: &[u8], id: &str, what: &str) -> Result<Face> {
        let mut warnings = Vec::new();
        let font = ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| Error::Io {
            path: format!("assets/fonts ({what})"),
            message: "the embedded font cannot be read".into(),
        })?;
        let upm = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let mut face = Face {
            font,
            id: FontId(id.to_string()),
            latin: Vec::new(),
            upm,
        };
        face.latin = (0u32..0x250)
            .map(|c| char::from_u32(c).map_or(0.0, |c| face.advance(c)))
            .collect();
        Ok(face)
    }

    fn advance(&self, c: char) -> f32 {
        let gid = self.font.lookup_glyph_index(c as u32).unwrap_or(0);
        f32::from(self.font.get_horizontal_advance(gid)) / self.upm
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| {
                self.latin
                    .get(c as usize)
                    .copied()
                    .unwrap_or_else(|| self.advance(c))
            })
            .sum::<f32>()
            * size
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

/// The fonts, parsed once per process. The ids are also the six-letter subset tags.
fn fonts() -> Result<&'static Fonts> {
    static FONTS: OnceLock<std::result::Result<Fonts, String>> = OnceLock::new();
    let loaded = FONTS.get_or_init(|| {
        Ok(Fonts {
            regular: Face::load(FONT_REGULAR, "STWDRG", "DejaVuSans.ttf")
                .map_err(|e| e.to_string())?,
            bold: Face::load(FONT_BOLD, "STWDBD", "DejaVuSans-Bold.ttf")
                .map_err(|e| e.to_string())?,
        })
    });
    loaded.as_ref().map_err(|e| Error::Io {
        path: "assets/fonts".into(),
        message: e.clone(),
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Weight {
    Regular,
    Bold,
}

struct Page {
    w: f32,
    h: f32,
    ops: Vec<Op>,
    fill: Option<[f32; 3]>,
}

struct Writer<'a> {
    report: &'a Report,
    fonts: &'a Fonts,
    pages: Vec<Page>,
    /// The page being drawn on: the last one, except while the header and footer are added.
    current: usize,
    /// The cursor: distance from the top edge of the current page.
    y: f32,
    images: Vec<(XObjectId, RawImage)>,
}

/// Text with the wrapping already done, ready to draw.
struct Wrapped {
    lines: Vec<String>,
    weight: Weight,
    size: f32,
    leading: f32,
}

fn rgb(c: [f32; 3]) -> Color {
    Color::Rgb(Rgb {
        r: c[0],
        g: c[1],
        b: c[2],
        icc_profile: None,
    })
}

impl<'a> Writer<'a> {
    fn new(report: &'a Report, fonts: &'a Fonts) -> Self {
        let mut w = Writer {
            report,
            fonts,
            pages: Vec::new(),
            current: 0,
            y: 0.0,
            images: Vec::new(),
        };
        w.new_page(report.orientation);
        w
    }

    fn face(&self, weight: Weight) -> &'a Face {
        match weight {
            Weight::Regular => &self.fonts.regular,
            Weight::Bold => &self.fonts.bold,
        }
    }

    fn page(&mut self) -> &mut Page {
        &mut self.pages[self.current]
    }

    fn page_size(&self) -> (f32, f32) {
        self.pages.get(self.current).map_or(A4, |p| (p.w, p.h))
    }

    fn orientation(&self) -> Orientation {
        let (w, h) = self.page_size();
        if w > h {
            Orientation::Landscape
        } else {
            Orientation::Portrait
        }
    }

    fn content_width(&self) -> f32 {
        self.page_size().0 - 2.0 * MARGIN_X
    }

    fn bottom(&self) -> f32 {
        self.page_size().1 - CONTENT_BOTTOM
    }

    fn new_page(&mut self, orientation: Orientation) {
        let (w, h) = match orientation {
            Orientation::Portrait => A4,
            Orientation::Landscape => (A4.1, A4.0),
        };
        self.pages.push(Page {
            w,
            h,
            ops: Vec::new(),
            fill: None,
        });
        self.current = self.pages.len() - 1;
        self.y = CONTENT_TOP;
    }

    /// Starts a new page unless `height` more fits on this one (or this one is still empty).
    fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom() && self.y > CONTENT_TOP + 0.5 {
            let o = self.orientation();
            self.new_page(o);
        }
    }

    fn set_fill(&mut self, c: [f32; 3]) {
        let page = self.page();
        if page.fill != Some(c) {
            page.fill = Some(c);
            page.ops.push(Op::SetFillColor { col: rgb(c) });
        }
    }

    /// One line of text with its baseline `baseline` below the top edge.
    fn text(
        &mut self,
        x: f32,
        baseline: f32,
        text: &str,
        weight: Weight,
        size: f32,
        color: [f32; 3],
    ) {
        if text.is_empty() {
            return;
        }
        self.set_fill(color);
        let id = self.face(weight).id.clone();
        let h = self.page_size().1;
        self.page().ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(h - baseline),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn rect(&mut self, x: f32, top: f32, w: f32, h: f32, fill: [f32; 3]) {
        self.set_fill(fill);
        let page_h = self.page_size().1;
        self.page().ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(page_h - top - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    fn frame(&mut self, x: f32, top: f32, w: f32, h: f32, color: [f32; 3], thickness: f32) {
        let page_h = self.page_size().1;
        self.page().ops.extend([
            Op::SetOutlineColor { col: rgb(color) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(page_h - top - h),
                    width: Pt(w),
                    height: Pt(h),
                    mode: Some(PaintMode::Stroke),
                    winding_order: None,
                },
            },
        ]);
    }

    fn hline(&mut self, x: f32, y: f32, w: f32, color: [f32; 3], thickness: f32) {
        let page_h = self.page_size().1;
        let point = |x: f32| LinePoint {
            p: Point {
                x: Pt(x),
                y: Pt(page_h - y),
            },
            bezier: false,
        };
        self.page().ops.extend([
            Op::SetOutlineColor { col: rgb(color) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x), point(x + w)],
                    is_closed: false,
                },
            },
        ]);
    }

    fn wrap(&self, text: &str, weight: Weight, size: f32, max_w: f32) -> Wrapped {
        Wrapped {
            lines: wrap(self.face(weight), text, size, max_w),
            weight,
            size,
            leading: size * 1.38,
        }
    }

    /// Draws wrapped text with its first line's top at the cursor, breaking pages between
    /// lines, and moves the cursor under it.
    fn flow(&mut self, x: f32, t: &Wrapped, color: [f32; 3]) {
        for line in &t.lines {
            self.ensure(t.leading);
            let baseline = self.y + t.leading * 0.5 + t.size * 0.36;
            self.text(x, baseline, line, t.weight, t.size, color);
            self.y += t.leading;
        }
    }

    fn title_block(&mut self) {
        let r = self.report;
        let cw = self.content_width();
        self.rect(MARGIN_X, self.y, 56.0, 4.0, ACCENT);
        self.y += 14.0;
        let title = self.wrap(&r.title, Weight::Bold, 22.0, cw);
        self.flow(MARGIN_X, &title, INK);
        if !r.subtitle.is_empty() {
            self.y += 2.0;
            let sub = self.wrap(&r.subtitle, Weight::Regular, 11.5, cw);
            self.flow(MARGIN_X, &sub, MUTED);
        }
        self.y += 10.0;
        if !r.metadata.is_empty() {
            self.key_values(&r.metadata);
        }
        self.y += 6.0;
        self.hline(MARGIN_X, self.y, cw, RULE, 0.8);
        self.y += 16.0;
    }

    fn section(&mut self, section: &Section) -> Result<()> {
        let target = section.orientation.unwrap_or(self.report.orientation);
        let blank = self.y <= CONTENT_TOP + 0.5;
        if (section.orientation.is_some() || target != self.orientation())
            && !(blank && target == self.orientation())
        {
            self.new_page(target);
        }
        if !section.heading.is_empty() {
            // Keep the heading with the start of what follows.
            self.ensure(80.0);
            if self.y > CONTENT_TOP + 0.5 {
                self.y += 8.0;
            }
            let heading = self.wrap(&section.heading, Weight::Bold, 14.0, self.content_width());
            self.flow(MARGIN_X, &heading, ACCENT);
            self.y += 2.0;
            self.hline(MARGIN_X, self.y, self.content_width(), RULE, 0.8);
            self.y += 10.0;
        }
        for block in &section.blocks {
            match block {
                Block::Paragraph { text } => {
                    let p = self.wrap(text, Weight::Regular, 9.5, self.content_width());
                    self.flow(MARGIN_X, &p, INK);
                    self.y += 8.0;
                }
                Block::KeyValues { items } => {
                    self.key_values(items);
                    self.y += 8.0;
                }
                Block::Table(t) => {
                    self.table(t);
                    self.y += 14.0;
                }
                Block::Chart(c) => {
                    self.chart(c)?;
                    self.y += 14.0;
                }
            }
        }
        Ok(())
    }

    fn key_values(&mut self, items: &[KeyValue]) {
        let size = 9.0;
        let cw = self.content_width();
        let widest = items
            .iter()
            .map(|kv| self.face(Weight::Bold).width(&kv.key, size))
            .fold(0.0, f32::max);
        let key_w = (widest + 14.0).min(cw * 0.35);
        for kv in items {
            let key = self.wrap(&kv.key, Weight::Bold, size, key_w - 10.0);
            let value = self.wrap(&kv.value, Weight::Regular, size, cw - key_w);
            let rows = key.lines.len().max(value.lines.len());
            self.ensure(rows as f32 * key.leading);
            let top = self.y;
            self.flow(MARGIN_X, &key, MUTED);
            let after_key = self.y;
            self.y = top;
            self.flow(MARGIN_X + key_w, &value, INK);
            self.y = self.y.max(after_key) + 1.5;
        }
    }

    fn chart(&mut self, chart: &Chart) -> Result<()> {
        let w_pt = self.content_width().min(540.0);
        let h_pt = (w_pt * 0.5).round();
        let title_h = if chart.title.is_empty() { 0.0 } else { 18.0 };
        self.ensure(title_h + h_pt);
        if !chart.title.is_empty() {
            let y = self.y + 11.0;
            self.text(MARGIN_X, y, &chart.title, Weight::Bold, 10.5, INK);
            self.y += title_h;
        }
        let px_w = (w_pt / 72.0 * CHART_DPI).round() as u32;
        let px_h = (h_pt / 72.0 * CHART_DPI).round() as u32;
        let pixels = chart::render_rgb(chart, px_w, px_h, false)?;
        let id = XObjectId(format!("Chart{}", self.images.len() + 1));
        self.images.push((
            id.clone(),
            RawImage {
                pixels: RawImageData::U8(pixels),
                width: px_w as usize,
                height: px_h as usize,
                data_format: RawImageFormat::RGB8,
                tag: Vec::new(),
            },
        ));
        let page_h = self.page_size().1;
        let bottom = page_h - self.y - h_pt;
        self.page().ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Pt(MARGIN_X)),
                translate_y: Some(Pt(bottom)),
                // This dpi makes the image exactly w_pt wide.
                dpi: Some(px_w as f32 * 72.0 / w_pt),
                ..Default::default()
            },
        });
        self.y += h_pt;
        Ok(())
    }

    fn table(&mut self, table: &Table) {
        let widths = self.column_widths(table, CELL_SIZE, CELL_PAD_X);
        let table_w: f32 = widths.iter().sum();
        let text_w: Vec<f32> = widths
            .iter()
            .map(|w| (w - 2.0 * CELL_PAD_X).max(1.0))
            .collect();

        let header: Vec<Vec<String>> = table
            .columns
            .iter()
            .zip(&text_w)
            .map(|(c, w)| cell_lines(self.face(Weight::Bold), &c.header, CELL_SIZE, *w, 2))
            .collect();
        let header_h =
            header.iter().map(Vec::len).max().unwrap_or(1) as f32 * CELL_LEADING + 2.0 * CELL_PAD_Y;
        let fonts = self.fonts;
        let face = move |weight: Weight| match weight {
            Weight::Regular => &fonts.regular,
            Weight::Bold => &fonts.bold,
        };
        let row_lines = |cells: &[Cell], weight: Weight| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&table.columns)
                .zip(&text_w)
                .map(|((cell, col), w)| {
                    let text = cell.display(&col.kind);
                    let lines = if matches!(col.kind, ColumnKind::Text) {
                        MAX_CELL_LINES
                    } else {
                        1
                    };
                    cell_lines(face(weight), &text, CELL_SIZE, *w, lines)
                })
                .collect()
        };
        let first_row_h = table.rows.first().map_or(CELL_LEADING, |r| {
            row_lines(r, Weight::Regular)
                .iter()
                .map(Vec::len)
                .max()
                .unwrap_or(1) as f32
                * CELL_LEADING
        });

        // A short table stays on one page; a long one starts with its caption, header and at
        // least one row together.
        let whole = if table.rows.len() <= SHORT_TABLE {
            let all: f32 = table
                .rows
                .iter()
                .chain(table.totals.iter())
                .map(|r| {
                    row_lines(r, Weight::Regular)
                        .iter()
                        .map(Vec::len)
                        .max()
                        .unwrap_or(1) as f32
                        * CELL_LEADING
                        + 2.0 * CELL_PAD_Y
                })
                .sum();
            16.0 + header_h + all
        } else {
            0.0
        };
        let room = self.page_size().1 - CONTENT_TOP - CONTENT_BOTTOM;
        self.ensure(if whole > 0.0 && whole <= room {
            whole
        } else {
            16.0 + header_h + first_row_h + 2.0 * CELL_PAD_Y
        });
        self.caption(&table.name, false);
        self.table_header(table, &header, &widths, header_h);

        let draw_row = |w: &mut Self, lines: &[Vec<String>], i: Option<usize>, weight: Weight| {
            let h = lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * CELL_LEADING
                + 2.0 * CELL_PAD_Y;
            if w.y + h > w.bottom() {
                let o = w.orientation();
                w.new_page(o);
                w.caption(&table.name, true);
                w.table_header(table, &header, &widths, header_h);
            }
            match i {
                Some(i) if i % 2 == 1 => w.rect(MARGIN_X, w.y, table_w, h, ZEBRA),
                None => w.hline(MARGIN_X, w.y, table_w, INK, 0.8),
                _ => {}
            }
            let mut x = MARGIN_X;
            for ((cell, col), width) in lines.iter().zip(&table.columns).zip(&widths) {
                for (k, line) in cell.iter().enumerate() {
                    let baseline = w.y
                        + CELL_PAD_Y
                        + k as f32 * CELL_LEADING
                        + CELL_LEADING * 0.5
                        + CELL_SIZE * 0.36;
                    let lx = if col.kind.is_numeric() {
                        x + width - CELL_PAD_X - w.face(weight).width(line, CELL_SIZE)
                    } else {
                        x + CELL_PAD_X
                    };
                    w.text(lx, baseline, line, weight, CELL_SIZE, INK);
                }
                x += width;
            }
            w.y += h;
        };

        if table.rows.is_empty() {
            let baseline = self.y + CELL_PAD_Y + CELL_LEADING * 0.5 + CELL_SIZE * 0.36;
            self.text(
                MARGIN_X + CELL_PAD_X,
                baseline,
                "No rows.",
                Weight::Regular,
                CELL_SIZE,
                MUTED,
            );
            self.y += CELL_LEADING + 2.0 * CELL_PAD_Y;
        }
        for (i, row) in table.rows.iter().enumerate() {
            let lines = row_lines(row, Weight::Regular);
            draw_row(self, &lines, Some(i), Weight::Regular);
        }
        if let Some(totals) = &table.totals {
            let lines = row_lines(totals, Weight::Bold);
            draw_row(self, &lines, None, Weight::Bold);
        }
        self.hline(MARGIN_X, self.y, table_w, RULE, 0.6);
    }

    fn caption(&mut self, name: &str, continued: bool) {
        let text = if continued {
            format!("{name} (continued)")
        } else {
            name.to_string()
        };
        let y = self.y + 10.0;
        self.text(MARGIN_X, y, &text, Weight::Bold, 9.5, INK);
        self.y += 16.0;
    }

    fn table_header(
        &mut self,
        table: &Table,
        header: &[Vec<String>],
        widths: &[f32],
        header_h: f32,
    ) {
        let table_w: f32 = widths.iter().sum();
        self.rect(MARGIN_X, self.y, table_w, header_h, ACCENT);
        let mut x = MARGIN_X;
        for ((lines, col), width) in header.iter().zip(&table.columns).zip(widths) {
            for (k, line) in lines.iter().enumerate() {
                let baseline = self.y
                    + CELL_PAD_Y
                    + k as f32 * CELL_LEADING
                    + CELL_LEADING * 0.5
                    + CELL_SIZE * 0.36;
                let lx = if col.kind.is_numeric() {
                    x + width - CELL_PAD_X - self.face(Weight::Bold).width(line, CELL_SIZE)
                } else {
                    x + CELL_PAD_X
                };
                self.text(lx, baseline, line, Weight::Bold, CELL_SIZE, WHITE);
            }
            x += width;
        }
        self.y += header_h;
    }

    /// Column widths from content: each column's natural width (its widest cell or header),
    /// numbers and dates kept whole, text columns sharing what is left; a table near the page
    /// width is stretched to it.
    fn column_widths(&self, table: &Table, size: f32, pad: f32) -> Vec<f32> {
        let avail = self.content_width();
        let regular = self.face(Weight::Regular);
        let bold = self.face(Weight::Bold);
        let natural: Vec<f32> = table
            .columns
            .iter()
            .enumerate()
            .map(|(c, col)| {
                let header = longest_word(bold, &col.header, size)
                    .max(bold.width(&col.header, size).min(90.0));
                let rows = table
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| natural_width(regular, cell, col, size));
                let totals = table
                    .totals
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| natural_width(bold, cell, col, size));
                let cells = rows.chain(totals).fold(0.0, f32::max);
                let w = header.max(cells) + 2.0 * pad;
                if matches!(col.kind, ColumnKind::Text) {
                    w.min(avail * 0.45)
                } else {
                    w
                }
            })
            .collect();
        fit_widths(&natural, &table.columns, avail)
    }

    fn signature(&mut self, sig: &SignatureBlock) {
        let cw = self.content_width();
        let box_w = cw.min(420.0);
        let inner = box_w - 24.0;
        let statement = self.wrap(&sig.statement, Weight::Regular, 9.0, inner);
        let fields: Vec<(&str, String)> = match &sig.signer {
            Some(s) => vec![
                ("Name", s.name.clone()),
                ("Role", s.role.clone()),
                ("Organisation", s.organisation.clone()),
                (
                    "Certificate (SHA-256)",
                    group_hex(&s.certificate_fingerprint),
                ),
                (
                    "Signed at",
                    s.signed_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                ),
            ],
            None => [
                "Name",
                "Role",
                "Organisation",
                "Certificate (SHA-256)",
                "Signed at",
            ]
            .into_iter()
            .map(|k| (k, String::new()))
            .collect(),
        };
        let key_w = 118.0;
        let values: Vec<Wrapped> = fields
            .iter()
            .map(|(_, v)| self.wrap(v, Weight::Regular, 9.0, inner - key_w))
            .collect();
        let field_h: f32 = values
            .iter()
            .map(|v| v.lines.len().max(1) as f32 * v.leading + 4.0)
            .sum();
        let height =
            12.0 + 18.0 + statement.lines.len() as f32 * statement.leading + 8.0 + field_h + 10.0;
        self.ensure(height + 10.0);
        self.y += 10.0;
        let top = self.y;
        self.frame(MARGIN_X, top, box_w, height, ACCENT, 1.0);
        self.y += 12.0;
        let title = self.wrap(&sig.title, Weight::Bold, 11.0, inner);
        self.flow(MARGIN_X + 12.0, &title, ACCENT);
        self.y += 3.0;
        self.flow(MARGIN_X + 12.0, &statement, INK);
        self.y += 8.0;
        for ((key, _), value) in fields.iter().zip(&values) {
            let row_top = self.y;
            let baseline = row_top + value.leading * 0.5 + 9.0 * 0.36;
            self.text(MARGIN_X + 12.0, baseline, key, Weight::Bold, 9.0, MUTED);
            if value.lines.iter().all(String::is_empty) {
                // Blank: a line to sign on.
                self.hline(
                    MARGIN_X + 12.0 + key_w,
                    row_top + value.leading,
                    inner - key_w,
                    RULE,
                    0.8,
                );
                self.y += value.leading;
            } else {
                self.flow(MARGIN_X + 12.0 + key_w, value, INK);
            }
            self.y += 4.0;
        }
        self.y = top + height;
    }

    /// The running header (workspace, report date) and the "Page N of M" footer on every page.
    fn running_header_and_footer(&mut self) {
        let total = self.pages.len();
        let workspace = self.report.workspace.clone();
        let date = self.report.generated_at.format("%Y-%m-%d").to_string();
        let title = self.report.title.clone();
        let regular = &self.fonts.regular;
        let date_w = regular.width(&date, 8.0);
        for i in 0..total {
            self.current = i;
            let (w, h) = self.page_size();
            let right = w - MARGIN_X;
            let ws = ellipsize(
                &self.fonts.bold,
                &workspace,
                8.0,
                w - 2.0 * MARGIN_X - date_w - 24.0,
            );
            self.text(MARGIN_X, 32.0, &ws, Weight::Bold, 8.0, MUTED);
            self.text(right - date_w, 32.0, &date, Weight::Regular, 8.0, MUTED);
            self.hline(MARGIN_X, 39.0, w - 2.0 * MARGIN_X, RULE, 0.6);
            let footer = format!("Page {} of {total}", i + 1);
            let fw = regular.width(&footer, 8.0);
            self.hline(MARGIN_X, h - 38.0, w - 2.0 * MARGIN_X, RULE, 0.6);
            let t = ellipsize(regular, &title, 8.0, w - 2.0 * MARGIN_X - fw - 24.0);
            self.text(MARGIN_X, h - 26.0, &t, Weight::Regular, 8.0, MUTED);
            self.text(right - fw, h - 26.0, &footer, Weight::Regular, 8.0, MUTED);
        }
    }
}

/// How wide a cell is on one line.
fn natural_width(face: &Face, cell: &Cell, col: &Column, size: f32) -> f32 {
    face.width(&cell.display(&col.kind), size)
}

/// Shares `avail` among the columns: numbers and dates keep their natural width, text columns
/// get the rest by water-filling (a narrow column keeps its width, wide ones share equally).
fn fit_widths(natural: &[f32], columns: &[Column], avail: f32) -> Vec<f32> {
    const MIN_TEXT: f32 = 36.0;
    let sum: f32 = natural.iter().sum();
    let is_text = |i: usize| matches!(columns[i].kind, ColumnKind::Text);
    let text_cols: Vec<usize> = (0..natural.len()).filter(|&i| is_text(i)).collect();
    let mut widths = natural.to_vec();
    if sum <= avail {
        // Small tables stay compact; tables close to the page width fill it.
        let target = if sum > avail * 0.6 {
            avail
        } else {
            sum.max(avail * 0.45)
        };
        let grow: Vec<usize> = if text_cols.is_empty() {
            (0..natural.len()).collect()
        } else {
            text_cols
        };
        let base: f32 = grow.iter().map(|&i| natural[i]).sum();
        if base > 0.0 {
            for &i in &grow {
                widths[i] += (target - sum) * natural[i] / base;
            }
        }
        return widths;
    }
    let fixed: f32 = (0..natural.len())
        .filter(|&i| !is_text(i))
        .map(|i| natural[i])
        .sum();
    let mut left = avail - fixed;
    if text_cols.is_empty() || left < MIN_TEXT * text_cols.len() as f32 {
        // Not even the numbers fit: scale everything down.
        return natural.iter().map(|w| w * avail / sum).collect();
    }
    let mut order = text_cols;
    order.sort_by(|&a, &b| natural[a].total_cmp(&natural[b]));
    let mut remaining = order.len();
    for i in order {
        let share = left / remaining as f32;
        widths[i] = natural[i].min(share).max(MIN_TEXT);
        left -= widths[i];
        remaining -= 1;
    }
    widths
}

fn longest_word(face: &Face, text: &str, size: f32) -> f32 {
    text.split_whitespace()
        .map(|w| face.width(w, size))
        .fold(0.0, f32::max)
}

/// Word-wraps `text` to `max_w`; `\n` starts a new line; a word longer than a line is broken.
fn wrap(face: &Face, text: &str, size: f32, max_w: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut current = String::new();
        for word in para.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if face.width(&candidate, size) <= max_w {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            if face.width(word, size) <= max_w {
                current = word.to_string();
            } else {
                for c in word.chars() {
                    current.push(c);
                    if face.width(&current, size) > max_w && current.chars().count() > 1 {
                        current.pop();
                        lines.push(std::mem::take(&mut current));
                        current.push(c);
                    }
                }
            }
        }
        lines.push(current);
    }
    lines
}

/// A cell's lines: wrapped, at most `max_lines`, the last cut with an ellipsis if text is left.
fn cell_lines(face: &Face, text: &str, size: f32, max_w: f32, max_lines: usize) -> Vec<String> {
    if max_lines <= 1 {
        return vec![ellipsize(
            face,
            text.lines().next().unwrap_or(""),
            size,
            max_w,
        )];
    }
    let mut lines = wrap(face, text, size, max_w);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = ellipsize(face, &format!("{last}…"), size, max_w);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    lines
}

/// `text` if it fits in `max_w`, else as much of it as fits followed by an ellipsis.
fn ellipsize(face: &Face, text: &str, size: f32, max_w: f32) -> String {
    if face.width(text, size) <= max_w {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.trim_end_matches('…').chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let s: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if face.width(&s, size) <= max_w {
            return s;
        }
    }
    "…".to_string()
}

/// "ab12cd34..." as "AB12 CD34 ...": easier to compare by eye.
fn group_hex(hex: &str) -> String {
    let clean: Vec<char> = hex
        .chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if clean.len() != hex.len() {
        return hex.to_string();
    }
    clean
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailer_id_is_found_and_replaced_in_place() {
        let pdf = b"%PDF-1.3\n...xref\ntrailer\n<</Root 1 0 R/ID[(ABCDEFGH)(IJKLMNOP)]/Size 3>>\nstartxref\n9\n%%EOF";
        let out = with_content_id(pdf.to_vec());
        assert_eq!(
            out.len(),
            pdf.len(),
            "the ID keeps its length so the xref offsets stay valid"
        );
        assert_ne!(&out[..], &pdf[..], "the counter-based ID is replaced");
        assert_eq!(
            out,
            with_content_id(pdf.to_vec()),
            "the replacement depends only on the content"
        );
    }

    #[test]
    fn widths_fit_the_page() {
        let cols = vec![
            Column::new("Name", ColumnKind::Text),
            Column::new("Purpose", ColumnKind::Text),
            Column::new("Count", ColumnKind::Integer),
        ];
        let w = fit_widths(&[300.0, 600.0, 40.0], &cols, 500.0);
        assert!(
            (w.iter().sum::<f32>() - 500.0).abs() < 0.01,
            "a wide table is fitted to the page: {w:?}"
        );
        assert_eq!(w[2], 40.0, "numbers keep their natural width");
        let w = fit_widths(&[60.0, 40.0, 40.0], &cols, 500.0);
        assert!(
            w.iter().sum::<f32>() < 300.0,
            "a narrow table is not stretched across the page: {w:?}"
        );
    }
}
