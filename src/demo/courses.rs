//! The demo school's online courses: the demo teacher's classes, the demo student's class
//! and the demo parent's children's each get a course per subject, with a first module open (its second lesson waits
//! for the first), a second one opening in ten days, and a draft; the students have begun
//! them, some further than others, the demo student with one lesson done.

use chrono::{Duration, NaiveDate, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::courses::repo::{self, NewLesson};
use crate::db::Tx;

/// A module: its title and lessons (title, Markdown).
type Module = (&'static str, &'static [(&'static str, &'static str)]);

/// Per subject code, a course's title and its three modules.
const COURSES: &[(&str, &str, [Module; 3])] = &[
    (
        "MATH",
        "Nombres et calculs",
        [
            (
                "Chapitre 1 – Les fractions",
                &[
                    (
                        "Qu’est-ce qu’une fraction ?",
                        "## Définition\n\nUne **fraction** `a/b` est le quotient de `a` par `b` (avec `b ≠ 0`).\n\n\
                         - `a` est le *numérateur* ;\n- `b` est le *dénominateur*.\n\n\
                         > Exemple : au marché, Ama partage 3 ananas entre 4 amis : chacun reçoit 3/4 d’ananas.\n\n\
                         ### À retenir\n\n| Écriture | Se lit |\n|---|---|\n| 1/2 | un demi |\n| 3/4 | trois quarts |\n| 5/3 | cinq tiers |\n",
                    ),
                    (
                        "Additionner des fractions",
                        "## Même dénominateur\n\nOn additionne les numérateurs : `2/7 + 3/7 = 5/7`.\n\n\
                         ## Dénominateurs différents\n\n1. On cherche un dénominateur commun ;\n2. on transforme chaque fraction ;\n3. on additionne.\n\n\
                         Exemple : `1/3 + 1/4 = 4/12 + 3/12 = 7/12`.\n\n**Exercice** : calculer `2/5 + 1/10`.\n",
                    ),
                    (
                        "Simplifier une fraction",
                        "On divise le numérateur et le dénominateur par un même nombre : `12/18 = 2/3` (on a divisé par 6).\n\n\
                         Une fraction est **irréductible** quand on ne peut plus la simplifier.\n",
                    ),
                ],
            ),
            (
                "Chapitre 2 – Puissances",
                &[
                    (
                        "Puissances d’un nombre",
                        "`aⁿ = a × a × … × a` (n facteurs). Exemple : `2⁵ = 32`.\n",
                    ),
                    (
                        "Règles de calcul",
                        "- `aᵐ × aⁿ = aᵐ⁺ⁿ`\n- `(aᵐ)ⁿ = aᵐⁿ`\n- `a⁰ = 1`\n",
                    ),
                ],
            ),
            (
                "Chapitre 3 – Équations",
                &[("Résoudre ax + b = 0", "On isole x : `x = −b/a`.\n")],
            ),
        ],
    ),
    (
        "FR",
        "Lire et écrire",
        [
            (
                "Séquence 1 – Le conte africain",
                &[
                    (
                        "Les caractéristiques du conte",
                        "## Le conte\n\nUn récit **merveilleux**, transmis d’abord à l’oral par le griot.\n\n\
                         - une formule d’ouverture (« Il était une fois… ») ;\n- des personnages types (Leuk le lièvre, Bouki l’hyène) ;\n\
                         - une morale.\n\n> Lire : Birago Diop, *Les Contes d’Amadou Koumba*.\n",
                    ),
                    (
                        "Le schéma narratif",
                        "1. Situation initiale\n2. Élément perturbateur\n3. Péripéties\n4. Dénouement\n5. Situation finale\n\n\
                         **Exercice** : retrouver ces cinq étapes dans « La cuillère sale ».\n",
                    ),
                    (
                        "Écrire un conte",
                        "Inventez un conte de 15 lignes dont le héros est un animal de la savane. Respectez le schéma narratif.\n",
                    ),
                ],
            ),
            (
                "Séquence 2 – L’argumentation",
                &[(
                    "Thèse et arguments",
                    "Une **thèse** est une opinion ; un **argument** la justifie ; un **exemple** l’illustre.\n",
                )],
            ),
            (
                "Séquence 3 – La poésie",
                &[(
                    "Le vers et la rime",
                    "Compter les syllabes ; rimes plates, croisées, embrassées.\n",
                )],
            ),
        ],
    ),
    (
        "ANG",
        "English in everyday life",
        [
            (
                "Unit 1 – At the market",
                &[
                    (
                        "Vocabulary: food and prices",
                        "## Words\n\n| English | Français |\n|---|---|\n| yam | igname |\n| maize | maïs |\n| groundnuts | arachides |\n\n\
                         *How much is it?* — *It's five hundred francs.*\n",
                    ),
                    (
                        "Dialogue: buying and bargaining",
                        "**Seller:** Good morning! What do you want?\n\n**Customer:** I want two kilos of rice. How much?\n\n\
                         Practise the dialogue with a classmate.\n",
                    ),
                ],
            ),
            (
                "Unit 2 – Health",
                &[(
                    "At the dispensary",
                    "Vocabulary of the body; *I have a headache.*\n",
                )],
            ),
            (
                "Unit 3 – Travelling",
                &[("Asking the way", "*Turn left, go straight on.*\n")],
            ),
        ],
    ),
];

/// A course for a subject without written content: the same outline, named for it.
const GENERIC: [Module; 3] = [
    (
        "Chapitre 1 – Introduction",
        &[
            (
                "Présentation du chapitre",
                "## Objectifs\n\n- connaître le vocabulaire du chapitre ;\n- savoir l’utiliser dans un exercice.\n\nLisez le résumé et notez vos questions.\n",
            ),
            (
                "Exercices d’application",
                "Faites les exercices 1 à 4 de la fiche jointe, puis vérifiez avec le corrigé en classe.\n",
            ),
        ],
    ),
    ("Chapitre 2", &[("Cours", "Le cours du chapitre 2.\n")]),
    ("Chapitre 3", &[("Cours", "Le cours du chapitre 3.\n")]),
];

pub(super) async fn seed(
    tx: &mut Tx<'_>,
    rng: &mut ChaCha8Rng,
    teacher: Option<i64>,
    student_login: Option<&str>,
    parent_phone: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<()> {
    // The demo teacher's courses (three at most), then the demo student's class's.
    let mut pairs: Vec<(i64, i64, i64, String, String)> = sqlx::query_as(
        "SELECT t.class_id, t.subject_id, t.teacher_user_id, s.code, s.name FROM teaching_assignments t \
         JOIN subjects s ON s.id = t.subject_id WHERE t.teacher_user_id = $1 ORDER BY t.class_id LIMIT 3",
    )
    .bind(teacher.unwrap_or(0))
    .fetch_all(&mut **tx)
    .await?;
    let student: Option<(i64, i64)> = sqlx::query_as(
        "SELECT s.id, e.class_id FROM students s JOIN users u ON u.id = s.user_id \
         JOIN enrollments e ON e.student_id = s.id WHERE u.email = $1",
    )
    .bind(student_login.unwrap_or(""))
    .fetch_optional(&mut **tx)
    .await?;
    // The demo student's class, and the demo parent's children's.
    let mut classes: Vec<i64> = student.iter().map(|s| s.1).collect();
    let children: Vec<(i64,)> = sqlx::query_as(
        "SELECT e.class_id FROM student_guardians g JOIN users u ON u.id = g.user_id \
         JOIN enrollments e ON e.student_id = g.student_id WHERE u.phone = $1 ORDER BY g.student_id",
    )
    .bind(parent_phone.unwrap_or(""))
    .fetch_all(&mut **tx)
    .await?;
    classes.extend(children.into_iter().map(|c| c.0));
    for class_id in classes {
        let theirs: Vec<(i64, i64, i64, String, String)> = sqlx::query_as(
            "SELECT t.class_id, t.subject_id, t.teacher_user_id, s.code, s.name FROM teaching_assignments t \
             JOIN subjects s ON s.id = t.subject_id WHERE t.class_id = $1 AND s.code IN ('MATH', 'FR', 'ANG', 'SVT')",
        )
        .bind(class_id)
        .fetch_all(&mut **tx)
        .await?;
        for p in theirs {
            if !pairs.iter().any(|q| q.0 == p.0 && q.1 == p.1) {
                pairs.push(p);
            }
        }
    }
    let now = Utc::now();
    for (class_id, subject_id, teacher_id, code, name) in pairs {
        let (title, modules) = COURSES
            .iter()
            .find(|c| c.0 == code)
            .map(|c| (c.1.to_string(), c.2))
            .unwrap_or((name.clone(), GENERIC));
        let course =
            repo::insert_course(tx, class_id, subject_id, &title, SUMMARY, teacher_id, now).await?;
        let mut open_lessons = Vec::new();
        let mut first_module = None;
        for (i, (module_title, lessons)) in modules.iter().enumerate() {
            // The first module is open, the second opens in ten days, the third is a draft.
            let (published, from) = match i {
                0 => (true, None),
                1 => (true, Some(today + Duration::days(10))),
                _ => (false, None),
            };
            let module =
                repo::insert_module(&mut **tx, course, module_title, published, from).await?;
            first_module = first_module.or(Some(module));
            let mut previous = None;
            for (j, (lesson_title, body)) in lessons.iter().enumerate() {
                let l = NewLesson {
                    title: lesson_title.to_string(),
                    body: body.to_string(),
                    published: true,
                    available_from: None,
                    // The second lesson of the first module waits for the first.
                    prerequisite_id: if i == 0 && j == 1 { previous } else { None },
                };
                let id = repo::insert_lesson(&mut **tx, module, &l, now).await?;
                previous = Some(id);
                if i == 0 {
                    open_lessons.push(id);
                }
            }
        }
        // The class's students have begun: each completed the first k lessons and opened the
        // next; the demo student completed one and opened the second.
        let roster: Vec<(i64,)> = sqlx::query_as(
            "SELECT student_id FROM enrollments WHERE class_id = $1 ORDER BY student_id",
        )
        .bind(class_id)
        .fetch_all(&mut **tx)
        .await?;
        if let (Some(module), "MATH") = (first_module, code.as_str()) {
            let ids: Vec<i64> = roster.iter().map(|r| r.0).collect();
            let me = student.map(|s| s.0);
            super::quizzes::seed(tx, rng, module, subject_id, teacher_id, &ids, me, now).await?;
            super::assignments::seed(tx, rng, module, teacher_id, &ids, today, now).await?;
        }
        for (sid,) in roster {
            let k = match student {
                Some((me, _)) if me == sid => 1,
                _ => rng.random_range(0..=open_lessons.len()),
            };
            for (n, lesson) in open_lessons.iter().enumerate().take(k + 1) {
                let at = now - Duration::days((open_lessons.len() - n) as i64 * 2 + 1);
                if n < k {
                    repo::complete(tx, *lesson, sid, at).await?;
                } else if rng.random_bool(0.6) || Some(sid) == student.map(|s| s.0) {
                    repo::record_view(&mut **tx, *lesson, sid, at).await?;
                }
            }
        }
    }
    Ok(())
}

const SUMMARY: &str = "Le cours en ligne de la classe : relisez les leçons à la maison, \
     faites les exercices et cochez **J’ai terminé** à la fin de chaque leçon.";
