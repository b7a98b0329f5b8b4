//! States kept as text in the database (with a `CHECK` listing them in the migration) and
//! as enums in Rust: a state compared in three places cannot be misspelled in one.

/// Declares an enum stored as one of its words, e.g.
/// `text_enum! { pub enum JobState { Queued = "queued", Done = "done" } }`: it reads and
/// binds as text with sqlx, serializes as the word, prints as the word (for catalog keys
/// and CSS classes), and parses from it.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            /// Every value, in the order of the declaration.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word stored in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($word => Ok($name::$variant),)+
                    other => Err(format!("{} is not a {}", other, stringify!($name))),
                }
            }
        }

        impl sqlx::Type<$crate::db::Db> for $name {
            fn type_info() -> <$crate::db::Db as sqlx::Database>::TypeInfo {
                <&str as sqlx::Type<$crate::db::Db>>::type_info()
            }

            fn compatible(ty: &<$crate::db::Db as sqlx::Database>::TypeInfo) -> bool {
                <&str as sqlx::Type<$crate::db::Db>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, $crate::db::Db> for $name {
            fn decode(
                value: <$crate::db::Db as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let s = <&str as sqlx::Decode<'r, $crate::db::Db>>::decode(value)?;
                Ok(s.parse::<$name>()?)
            }
        }

        impl<'q> sqlx::Encode<'q, $crate::db::Db> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <$crate::db::Db as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, $crate::db::Db>>::encode_by_ref(&self.as_str(), buf)
            }
        }
    };
}

/// The words a migration's `CHECK (column IN (…))` allows for `column` of `table`, from
/// the text of the migrations: a test compares them with an enum's words.
pub fn checked_words(migrations: &str, table: &str, column: &str) -> Vec<String> {
    let Some(start) = migrations.find(&format!("CREATE TABLE {table} (")) else {
        return Vec::new();
    };
    let body = &migrations[start..];
    let body = &body[..body.find("\n);").unwrap_or(body.len())];
    let Some(list) = body.split(&format!("CHECK ({column} IN (")).nth(1) else {
        return Vec::new();
    };
    let list = &list[..list.find(')').unwrap_or(list.len())];
    list.split(',')
        .map(|w| w.trim().trim_matches('\'').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// All the SQLite migrations' text (the PostgreSQL ones hold the same checks; a parity
/// test compares the two folders).
#[cfg(test)]
pub fn migrations_text() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("migrations")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}
