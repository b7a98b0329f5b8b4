//! The demo's announcements: what a school posts in the first weeks of a term.

use chrono::Utc;

use crate::db::Tx;

/// A few announcements, as a school's first term has them.
pub async fn announcements(tx: &mut Tx<'_>) -> anyhow::Result<()> {
    use crate::announcements::repo::{NewAnnouncement, insert};
    let (director,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'directeur@lumiere.tg'")
            .fetch_one(&mut **tx)
            .await?;
    let (level,): (i64,) = sqlx::query_as("SELECT id FROM levels WHERE code = '3e'")
        .fetch_one(&mut **tx)
        .await?;
    let list = [
        (
            "school",
            None,
            "Compositions du premier trimestre",
            "Les compositions du premier trimestre auront lieu du 7 au 12 décembre. Les élèves doivent être à jour de la première tranche de scolarité pour composer.\nLes bulletins seront remis aux parents le samedi 19 décembre.",
        ),
        (
            "level",
            Some(level),
            "Inscriptions au BEPC",
            "Les dossiers d’inscription au BEPC (extrait de naissance, deux photos, frais d’examen) sont à déposer au secrétariat avant le 15 janvier.",
        ),
        (
            "staff",
            None,
            "Conseil des professeurs",
            "Les conseils de classe du premier trimestre se tiendront du 14 au 17 décembre. Les notes doivent être saisies au plus tard le 12 décembre à midi.",
        ),
    ];
    for (audience, level_id, title, body) in list {
        let id = insert(
            &mut **tx,
            &NewAnnouncement {
                title: title.into(),
                body: body.into(),
                audience,
                level_id,
                class_id: None,
                author_id: director,
            },
            chrono::Utc::now(),
        )
        .await?;
        sqlx::query("INSERT INTO announcement_reads (announcement_id, user_id, read_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(director)
            .bind(Utc::now())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
