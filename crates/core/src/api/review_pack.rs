//! The board pack of a portfolio review: the signed PDF the board reads and the workbook of its
//! data, built by `report::review_pack` and `report::review_workbook` from the review as the API
//! shows it, compared with the latest earlier frozen review. Only a frozen (or decided, or
//! signed) review has one: a draft's figures still move.

use std::path::Path;

use super::review::{ReviewComparison, ReviewView};
use super::Workspace;
use crate::error::Remedy;
use crate::pack::PackFile;
use crate::report::{self, review_pack, review_workbook};
use crate::review::ReviewState;
use crate::sign::{pdf, Signer};
use crate::{Error, FieldError, Result};

impl Workspace {
    /// The review and its comparison with the latest earlier review that is not a draft; a
    /// draft is refused.
    fn pack_inputs(&self, key: &str) -> Result<(ReviewView, Option<ReviewComparison>)> {
        let v = self.review(key)?;
        if v.state == ReviewState::Draft {
            return Err(Error::Conflict(format!(
                "review {} is a draft: freeze it first; a board pack shows the figures as frozen, \
                 and a draft's still move",
                v.header.period
            ))
            .with_remedy(Remedy::FreezeReview {
                period: v.header.period.clone(),
            }));
        }
        let earlier = self
            .reviews()?
            .into_iter()
            .filter(|r| r.period < v.header.period && r.state != ReviewState::Draft)
            .max_by(|a, b| a.period.cmp(&b.period));
        let comparison = earlier
            .map(|e| self.compare_reviews(&e.id.to_string(), &v.id.to_string()))
            .transpose()?;
        Ok((v, comparison))
    }

    /// The board pack of a frozen review as a PDF, signed by `signer` when one is given.
    pub fn review_pack_pdf(&self, key: &str, signer: Option<&Signer>) -> Result<Vec<u8>> {
        let at = self.ctx.clock.now();
        let (v, cmp) = self.pack_inputs(key)?;
        let signoff = self.review_signoff(&v.id.to_string())?;
        let mut model = review_pack(
            &v,
            cmp.as_ref(),
            signoff.as_ref(),
            &report::workspace_label(self),
            at,
            &self.ctx.actor,
        );
        if let Some(s) = signer {
            let mut block = super::pack::signature_block(s, at);
            block.statement = format!(
                "This board pack reproduces portfolio review {} as frozen (snapshot SHA-256 {}) \
                 with the board's decisions and actions as recorded. It is digitally signed: any \
                 change to it after signing invalidates the signature.",
                v.header.period,
                v.snapshot_hash.as_deref().unwrap_or("(none)")
            );
            model.signature = Some(block);
        }
        let bytes = report::render_pdf(&model)?;
        match signer {
            Some(s) => pdf::sign_pdf(
                &bytes,
                s,
                at,
                &format!(
                    "Board pack of portfolio review {} issued by Steward",
                    v.header.period
                ),
            ),
            None => Ok(bytes),
        }
    }

    /// The workbook of a frozen review: Scorecards, Rules fired, Decisions, Actions, Changes.
    pub fn review_pack_xlsx(&self, key: &str) -> Result<Vec<u8>> {
        let (v, cmp) = self.pack_inputs(key)?;
        let signoff = self.review_signoff(&v.id.to_string())?;
        let model = review_workbook(
            &v,
            cmp.as_ref(),
            signoff.as_ref(),
            &report::workspace_label(self),
            self.ctx.clock.now(),
            &self.ctx.actor,
        );
        report::render_xlsx(&model)
    }

    /// Writes a frozen review's board pack to `out` as `format` ("pdf", signed by `signer` when
    /// one is given, or "xlsx"); returns the number of bytes written. Only a PDF carries a
    /// signature.
    pub fn write_review_pack(
        &self,
        key: &str,
        format: &str,
        signer: Option<&Signer>,
        out: &Path,
    ) -> Result<usize> {
        let bytes = match (format.trim_start_matches('.').to_ascii_lowercase().as_str(), signer) {
            ("pdf", s) => self.review_pack_pdf(key, s)?,
            ("xlsx", None) => self.review_pack_xlsx(key)?,
            ("xlsx", Some(_)) => {
                return Err(format_error(
                    "only a PDF board pack carries a signature; sign the .xlsx by putting it in an audit pack",
                ))
            }
            (other, _) => {
                return Err(format_error(format!(
                    "unknown board pack format {other:?}; expected pdf or xlsx"
                )))
            }
        };
        crate::files::write_atomically(out, &bytes)?;
        Ok(bytes.len())
    }

    /// Every review that is not a draft, as `reports/review-<period>.pdf` (signed) and `.xlsx`,
    /// for an audit pack.
    pub(crate) fn review_pack_files(&self, signer: &Signer) -> Result<Vec<PackFile>> {
        let mut out = Vec::new();
        for r in self.reviews()? {
            if r.state == ReviewState::Draft {
                continue;
            }
            let key = r.id.to_string();
            out.push(PackFile {
                path: format!("reports/review-{}.pdf", r.period),
                bytes: self.review_pack_pdf(&key, Some(signer))?,
            });
            out.push(PackFile {
                path: format!("reports/review-{}.xlsx", r.period),
                bytes: self.review_pack_xlsx(&key)?,
            });
        }
        Ok(out)
    }
}

fn format_error(message: impl Into<String>) -> Error {
    Error::Validation {
        entity: "board pack",
        fields: vec![FieldError::new("format", message)],
    }
}
