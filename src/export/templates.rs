//! The documents' Typst templates. Each reads its data with `json("/data.json")`; what the
//! data holds is written at the top of each template, for whoever adapts one.

/// A table (any list of the portal).
pub const TABLE: &str = include_str!("typ/table.typ");

/// The bulletin: one page per student.
pub const BULLETIN: &str = include_str!("typ/bulletin.typ");

/// A payment receipt, with its verification QR code.
pub const RECEIPT: &str = include_str!("typ/receipt.typ");

/// School certificates (scolarité, inscription, exeat): one page each.
pub const CERTIFICATE: &str = include_str!("typ/certificate.typ");

/// Student cards, ten to an A4 sheet.
pub const CARDS: &str = include_str!("typ/cards.typ");

/// A lesson of an online course, to read offline or print.
pub const LESSON: &str = include_str!("typ/lesson.typ");
