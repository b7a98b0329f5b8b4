//! Grades and bulletins. This first part is the arithmetic of the bulletin, kept in plain
//! functions so that it is tested exhaustively without a database.

pub mod calc;
