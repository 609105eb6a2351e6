//! Best overall response (RECIST 1.1 / iRECIST categories) as typed in
//! spreadsheets: codes and spelled-out words, any case.

use serde::{Deserialize, Serialize};

use super::ResistanceError;

/// Best overall response to the immune checkpoint inhibitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BestResponse {
    /// Complete response.
    #[serde(rename = "CR")]
    Cr,
    /// Partial response.
    #[serde(rename = "PR")]
    Pr,
    /// Stable disease.
    #[serde(rename = "SD")]
    Sd,
    /// Progressive disease.
    #[serde(rename = "PD")]
    Pd,
    /// Not evaluable (no adequate tumour assessment).
    #[serde(rename = "NE")]
    Ne,
}

impl BestResponse {
    /// Reads a spreadsheet cell: "CR", "complete response", "Partial", "stable
    /// disease", "PD", "progressive", "NE", "not evaluable", iRECIST "iCR",
    /// "iPR", "iSD", "iCPD" (confirmed PD), in any case, with `_`/`-` taken as
    /// spaces. Empty, "NA", "N/A", "missing", "unknown", "." and "-" give
    /// `Ok(None)` (missing). iUPD (unconfirmed progression) and anything else
    /// are errors, so that a typo is not silently read as missing.
    pub fn parse(text: &str) -> Result<Option<BestResponse>, ResistanceError> {
        let trimmed = text.trim();
        if matches!(trimmed, "" | "." | "-") {
            return Ok(None);
        }
        let normalised: String = trimmed
            .to_lowercase()
            .replace(['_', '-'], " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let parsed = match normalised.as_str() {
            "na" | "n/a" | "missing" | "unknown" | "none recorded" => return Ok(None),
            "cr" | "icr" | "complete" | "complete response" | "complete remission" => {
                BestResponse::Cr
            }
            "pr" | "ipr" | "partial" | "partial response" | "partial remission" => BestResponse::Pr,
            "sd" | "isd" | "stable" | "stable disease" => BestResponse::Sd,
            "pd"
            | "icpd"
            | "progressive"
            | "progression"
            | "progressive disease"
            | "disease progression" => BestResponse::Pd,
            "ne" | "nev" | "not evaluable" | "non evaluable" | "not evaluated" | "unevaluable"
            | "inevaluable" | "not assessable" => BestResponse::Ne,
            _ => {
                return Err(ResistanceError::UnknownBestResponse {
                    value: trimmed.to_string(),
                });
            }
        };
        Ok(Some(parsed))
    }

    /// The RECIST code: "CR", "PR", "SD", "PD" or "NE".
    pub fn code(self) -> &'static str {
        match self {
            BestResponse::Cr => "CR",
            BestResponse::Pr => "PR",
            BestResponse::Sd => "SD",
            BestResponse::Pd => "PD",
            BestResponse::Ne => "NE",
        }
    }

    /// CR or PR.
    pub fn is_objective_response(self) -> bool {
        matches!(self, BestResponse::Cr | BestResponse::Pr)
    }
}

impl std::fmt::Display for BestResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_and_words_in_any_case() {
        let cases = [
            ("CR", BestResponse::Cr),
            ("complete Response", BestResponse::Cr),
            ("iCR", BestResponse::Cr),
            (" pr ", BestResponse::Pr),
            ("Partial_response", BestResponse::Pr),
            ("STABLE DISEASE", BestResponse::Sd),
            ("stable-disease", BestResponse::Sd),
            ("Progressive disease", BestResponse::Pd),
            ("iCPD", BestResponse::Pd),
            ("ne", BestResponse::Ne),
            ("Not  evaluable", BestResponse::Ne),
        ];
        for (text, expected) in cases {
            assert_eq!(BestResponse::parse(text).unwrap(), Some(expected), "{text}");
        }
    }

    #[test]
    fn missing_markers_are_none_and_typos_are_errors() {
        for text in ["", "  ", "NA", "n/a", ".", "-", "Unknown"] {
            assert_eq!(BestResponse::parse(text).unwrap(), None, "{text:?}");
        }
        for text in ["SDD", "iUPD", "responder", "3"] {
            let err = BestResponse::parse(text).unwrap_err();
            assert!(err.to_string().contains(text.trim()), "{err}");
        }
    }
}
