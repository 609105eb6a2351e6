//! What a file is, from its first bytes (its "magic number") and, for the
//! container formats, the names inside: text for the CSV reader, a
//! spreadsheet for the sheet reader (survcalc-sheets), or another kind of
//! file that people drop by mistake (SPSS, Stata, SAS, Word, PDF, images,
//! archives), which gets a message naming the format and how to save the
//! data as CSV or Excel instead of a wall of garbled "values".
//!
//! Signatures: the zip local-file header "PK\x03\x04" (OOXML and
//! OpenDocument are zip archives; the entry names tell them apart), the
//! OLE2 compound file header D0 CF 11 E0 A1 B1 1A E1 (legacy Office; its
//! directory names, UTF-16LE, tell Excel from Word and a password-encrypted
//! OOXML package), and the published headers of the other formats.

use serde::Serialize;

/// The kinds of file survcalc can tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Anything else: read as delimited text.
    Text,
    /// Excel 2007+ workbook (.xlsx, .xlsm).
    Xlsx,
    /// Excel 97–2003 workbook (.xls).
    Xls,
    /// Excel binary workbook (.xlsb).
    Xlsb,
    /// OpenDocument spreadsheet (.ods: LibreOffice, OpenOffice).
    Ods,
    /// An Office file encrypted with a password (the OOXML package inside
    /// an OLE2 container): its content cannot be read without it.
    EncryptedOffice,
    Spss,
    Stata,
    SasData,
    SasTransport,
    Word,
    WordLegacy,
    OpenDocumentText,
    PowerPoint,
    Pdf,
    Rtf,
    Image,
    /// Another zip archive.
    Zip,
    /// gzip, 7-Zip, RAR (R's .rds and .RData files are gzip).
    Compressed,
    /// Another legacy Office file.
    OleOther,
}

impl FileKind {
    /// Spreadsheets the sheet reader opens.
    pub fn is_spreadsheet(self) -> bool {
        matches!(
            self,
            FileKind::Xlsx | FileKind::Xls | FileKind::Xlsb | FileKind::Ods
        )
    }

    /// The format named for people.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Text => "a text file",
            FileKind::Xlsx => "an Excel workbook (.xlsx)",
            FileKind::Xls => "an Excel 97–2003 workbook (.xls)",
            FileKind::Xlsb => "an Excel binary workbook (.xlsb)",
            FileKind::Ods => "an OpenDocument spreadsheet (.ods)",
            FileKind::EncryptedOffice => "a password-protected Office file",
            FileKind::Spss => "an SPSS data file (.sav)",
            FileKind::Stata => "a Stata data file (.dta)",
            FileKind::SasData => "a SAS data set (.sas7bdat)",
            FileKind::SasTransport => "a SAS transport file (.xpt)",
            FileKind::Word => "a Word document (.docx)",
            FileKind::WordLegacy => "a Word 97–2003 document (.doc)",
            FileKind::OpenDocumentText => "an OpenDocument text document (.odt)",
            FileKind::PowerPoint => "a PowerPoint presentation",
            FileKind::Pdf => "a PDF document",
            FileKind::Rtf => "a Rich Text document (.rtf)",
            FileKind::Image => "an image",
            FileKind::Zip => "a zip archive",
            FileKind::Compressed => "a compressed file (gzip, 7-Zip or RAR; R's .rds and .RData files are compressed too)",
            FileKind::OleOther => "a Microsoft Office file that is not a workbook",
        }
    }

    /// What to do instead, for people.
    pub fn advice(self) -> &'static str {
        match self {
            FileKind::Text => "",
            FileKind::Xlsx | FileKind::Xls | FileKind::Xlsb | FileKind::Ods => {
                "Open it with the spreadsheet reader (the page does this when the file is dropped), or save the sheet as CSV."
            }
            FileKind::EncryptedOffice => {
                "Open it in Excel with its password, then save a copy without one (File > Info > Protect Workbook > Encrypt with Password: clear it), or save the sheet as CSV."
            }
            FileKind::Spss => {
                "In SPSS: File > Export > CSV Data (or Excel); in R: write.csv(haven::read_sav(\"file.sav\"), \"file.csv\", row.names = FALSE)."
            }
            FileKind::Stata => {
                "In Stata: export delimited using \"file.csv\" (or export excel); in R: write.csv(haven::read_dta(\"file.dta\"), \"file.csv\", row.names = FALSE)."
            }
            FileKind::SasData | FileKind::SasTransport => {
                "In SAS: PROC EXPORT with DBMS=CSV (or XLSX); in R: write.csv(haven::read_sas(\"file\"), \"file.csv\", row.names = FALSE)."
            }
            FileKind::Word | FileKind::WordLegacy | FileKind::OpenDocumentText | FileKind::Rtf | FileKind::PowerPoint => {
                "Copy the table into Excel (one row per patient, one header row) and save it as .xlsx or CSV."
            }
            FileKind::Pdf | FileKind::Image => {
                "survcalc needs the data themselves: export them from the program that made this file as CSV or Excel, one row per patient."
            }
            FileKind::Zip | FileKind::Compressed => "Extract the data file first, then load that (CSV or Excel).",
            FileKind::OleOther => "Save the data from Excel as .xlsx or CSV.",
        }
    }
}

const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// The kind of file `bytes` hold (see the module doc).
pub fn detect_file_kind(bytes: &[u8]) -> FileKind {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        return zip_kind(bytes);
    }
    if starts(OLE2) {
        return ole_kind(bytes);
    }
    if starts(b"$FL2") || starts(b"$FL3") {
        return FileKind::Spss;
    }
    if starts(b"<stata_dta>") || is_old_stata(bytes) {
        return FileKind::Stata;
    }
    if bytes.get(32..).is_some_and(|rest| {
        rest.starts_with(
            b"\xC2\xEA\x81\x60\xB3\x14\x11\xCF\xBD\x92\x08\x00\x09\xC7\x31\x8C\x18\x1F\x10\x11",
        )
    }) {
        return FileKind::SasData;
    }
    if starts(b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!")
        || starts(b"HEADER RECORD*******LIBV8   HEADER RECORD!!!!!!!")
    {
        return FileKind::SasTransport;
    }
    if starts(b"%PDF-") {
        return FileKind::Pdf;
    }
    if starts(b"{\\rtf") {
        return FileKind::Rtf;
    }
    let image: [&[u8]; 7] = [
        b"\x89PNG\r\n\x1A\n",
        b"\xFF\xD8\xFF",
        b"GIF87a",
        b"GIF89a",
        b"II*\x00",
        b"MM\x00*",
        b"%!PS",
    ];
    if image.iter().any(|m| starts(m)) || (starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP")) {
        return FileKind::Image;
    }
    if starts(b"\x1F\x8B") || starts(b"7z\xBC\xAF\x27\x1C") || starts(b"Rar!\x1A\x07") {
        return FileKind::Compressed;
    }
    FileKind::Text
}

/// Stata 8–13's binary header: a release byte 113–119, the byte order
/// (1 or 2), file type 1 and a zero: control bytes no text file has there.
fn is_old_stata(bytes: &[u8]) -> bool {
    matches!(bytes, [113..=119, 1 | 2, 1, 0, ..])
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// OOXML and OpenDocument are zip archives: the entry names (in every local
/// header and again in the central directory) say which.
fn zip_kind(bytes: &[u8]) -> FileKind {
    // OpenDocument stores its media type uncompressed first ("mimetype").
    if let Some(head) = bytes.get(30..120) {
        if contains(head, b"application/vnd.oasis.opendocument.spreadsheet") {
            return FileKind::Ods;
        }
        if contains(head, b"application/vnd.oasis.opendocument.text") {
            return FileKind::OpenDocumentText;
        }
    }
    if contains(bytes, b"xl/workbook.xml") {
        FileKind::Xlsx
    } else if contains(bytes, b"xl/workbook.bin") {
        FileKind::Xlsb
    } else if contains(bytes, b"word/document.xml") {
        FileKind::Word
    } else if contains(bytes, b"ppt/presentation.xml") {
        FileKind::PowerPoint
    } else if contains(bytes, b"content.xml") && contains(bytes, b"mimetype") {
        // OpenDocument whose mimetype entry is not first.
        FileKind::Ods
    } else {
        FileKind::Zip
    }
}

fn utf16le(name: &str) -> Vec<u8> {
    name.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Legacy Office files are OLE2 compound files; their directory holds the
/// stream names in UTF-16LE.
fn ole_kind(bytes: &[u8]) -> FileKind {
    let has = |name: &str| contains(bytes, &utf16le(name));
    if has("EncryptedPackage") {
        FileKind::EncryptedOffice
    } else if has("Workbook") || has("Book") {
        FileKind::Xls
    } else if has("WordDocument") {
        FileKind::WordLegacy
    } else if has("PowerPoint Document") {
        FileKind::PowerPoint
    } else {
        FileKind::OleOther
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert_eq!(detect_file_kind(b"time,status\n1,0\n"), FileKind::Text);
        assert_eq!(detect_file_kind(b""), FileKind::Text);
        assert_eq!(
            detect_file_kind(b"$FL2@(#) IBM SPSS STATISTICS"),
            FileKind::Spss
        );
        assert_eq!(detect_file_kind(b"<stata_dta><header>"), FileKind::Stata);
        assert_eq!(
            detect_file_kind(b"\x72\x02\x01\x00\x05\x00"),
            FileKind::Stata
        );
        // A CSV starting with "r" is not Stata.
        assert_eq!(detect_file_kind(b"r,s\n1,2\n"), FileKind::Text);
        assert_eq!(detect_file_kind(b"%PDF-1.7\n"), FileKind::Pdf);
        assert_eq!(detect_file_kind(b"\x89PNG\r\n\x1A\n...."), FileKind::Image);
        assert_eq!(detect_file_kind(b"\x1F\x8B\x08\x00"), FileKind::Compressed);
        let mut ole = OLE2.to_vec();
        ole.extend(utf16le("WordDocument"));
        assert_eq!(detect_file_kind(&ole), FileKind::WordLegacy);
        let mut ole = OLE2.to_vec();
        ole.extend(utf16le("EncryptedPackage"));
        assert_eq!(detect_file_kind(&ole), FileKind::EncryptedOffice);
        assert_eq!(
            detect_file_kind(b"PK\x03\x04....word/document.xml"),
            FileKind::Word
        );
        assert_eq!(detect_file_kind(b"PK\x03\x04....data.csv"), FileKind::Zip);
    }
}
