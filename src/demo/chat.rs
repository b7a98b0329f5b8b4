//! The demo's conversations: the school's news channel, a parent and their child's
//! professeur principal, and that class's parents' channel, so that the chat is not empty
//! the first time someone opens it.

use chrono::{Duration, Utc};

use crate::db::Tx;

async fn conversation(
    tx: &mut Tx<'_>,
    key: &str,
    kind: &str,
    class: Option<i64>,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO conversations (key, kind, class_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(key)
    .bind(kind)
    .bind(class)
    .bind(Utc::now() - Duration::days(3))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

async fn say(
    tx: &mut Tx<'_>,
    conv: i64,
    author: i64,
    hours_ago: i64,
    body: &str,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (conversation_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(conv)
    .bind(author)
    .bind(body)
    .bind(Utc::now() - Duration::hours(hours_ago))
    .fetch_one(&mut **tx)
    .await?;
    // The author has read what they wrote.
    sqlx::query(
        "INSERT INTO conversation_reads (conversation_id, user_id, last_read_id, read_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (conversation_id, user_id) DO UPDATE SET last_read_id = excluded.last_read_id",
    )
    .bind(conv)
    .bind(author)
    .bind(id)
    .bind(Utc::now() - Duration::hours(hours_ago))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Seeds the conversations of the demo parent (by phone).
pub async fn seed(tx: &mut Tx<'_>, parent_phone: &str) -> anyhow::Result<()> {
    let (director,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'directeur@lumiere.tg'")
            .fetch_one(&mut **tx)
            .await?;
    let news = conversation(tx, "broadcast", "broadcast", None).await?;
    say(
        tx,
        news,
        director,
        50,
        "Bienvenue sur la messagerie de l’école. Les informations officielles de la direction sont publiées dans ce canal ; pour une question sur votre enfant, écrivez à son professeur principal.",
    )
    .await?;
    let row: Option<(i64, String, i64, i64, String)> = sqlx::query_as(
        "SELECT p.id, s.first_name, c.id, c.head_teacher_user_id, c.name FROM users p \
         JOIN student_guardians g ON g.user_id = p.id JOIN students s ON s.id = g.student_id \
         JOIN enrollments e ON e.student_id = s.id JOIN classes c ON c.id = e.class_id \
         WHERE p.phone = $1 AND c.head_teacher_user_id IS NOT NULL ORDER BY s.id LIMIT 1",
    )
    .bind(parent_phone)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((parent, child, class, teacher, class_name)) = row else {
        return Ok(());
    };
    let (a, b) = (parent.min(teacher), parent.max(teacher));
    let dm = conversation(tx, &format!("direct:{a}:{b}"), "direct", None).await?;
    for u in [a, b] {
        sqlx::query("INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2)")
            .bind(dm)
            .bind(u)
            .execute(&mut **tx)
            .await?;
    }
    say(
        tx,
        dm,
        parent,
        26,
        &format!("Bonjour, {child} était malade lundi et a manqué le devoir de mathématiques. Est-il possible de le rattraper ?"),
    )
    .await?;
    say(
        tx,
        dm,
        teacher,
        3,
        &format!("Bonjour, oui : {child} pourra le faire jeudi à 15h en salle des professeurs. Merci de le prévenir."),
    )
    .await?;
    let parents = conversation(
        tx,
        &format!("parents:{class}"),
        "class_parents",
        Some(class),
    )
    .await?;
    say(
        tx,
        parents,
        teacher,
        30,
        &format!("Chers parents de la {class_name}, la réunion parents-professeurs aura lieu samedi à 9h. Votre présence est importante."),
    )
    .await?;
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, text_key, args, link, created_at) \
         SELECT $1, 'message', 'notif-message', $2, $3, $4",
    )
    .bind(parent)
    .bind(
        serde_json::json!({ "author": crate::school::user_name_in(&mut **tx, teacher).await? })
            .to_string(),
    )
    .bind(format!("/messages/{dm}"))
    .bind(Utc::now() - Duration::hours(3))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
