//! The demo school's cahiers de textes: three weeks of lessons in every class and subject,
//! twice a week each (every day in primary), with homework due at the next lesson; one log
//! in twenty-five stopped twelve days ago, as the director's follow-up page shows them.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::db::Tx;
use crate::lessons::repo::{self, NewLesson};

/// A lesson's title, what was done, and the homework (empty: none).
type Topic = (&'static str, &'static str, &'static str);

/// Per subject code, its lessons.
const TOPICS: &[(&str, &[Topic])] = &[
    (
        "MATH",
        &[
            (
                "Fonctions dérivées",
                "Définition du nombre dérivé, tangente à une courbe. Exemples avec f(x) = x².",
                "Exercices 12 à 15 page 84",
            ),
            (
                "Dérivées usuelles",
                "Tableau des dérivées usuelles ; dérivée d’une somme et d’un produit.",
                "Apprendre le tableau ; exercice 22 page 86",
            ),
            (
                "Sens de variation",
                "Lien entre signe de la dérivée et variations ; tableau de variations.",
                "Étudier les variations de f(x) = x³ − 3x",
            ),
            (
                "Statistiques",
                "Moyenne, médiane, quartiles sur une série de notes de la classe.",
                "Exercice 5 page 132",
            ),
            (
                "Équations du second degré",
                "Discriminant, racines, factorisation.",
                "Résoudre les équations 1 à 8 de la fiche",
            ),
            ("Devoir corrigé", "Correction du devoir surveillé n° 2.", ""),
        ],
    ),
    (
        "FR",
        &[
            (
                "Le résumé de texte",
                "Méthode : repérer les idées essentielles, reformuler, respecter le quart.",
                "Résumer le texte « L’Afrique et l’eau » (120 mots)",
            ),
            (
                "Étude d’une œuvre : Le Pagne noir",
                "Lecture des contes 1 et 2 de Bernard Dadié ; les personnages.",
                "Lire les contes 3 et 4",
            ),
            (
                "La dissertation",
                "Analyser un sujet, construire un plan dialectique.",
                "Plan détaillé du sujet n° 2",
            ),
            (
                "Grammaire : la concordance des temps",
                "Règles et exercices oraux.",
                "Exercices 3 et 4 de la fiche",
            ),
            ("Expression orale", "Exposés des groupes 1 et 2.", ""),
        ],
    ),
    (
        "ANG",
        &[
            (
                "Unit 4: Health",
                "Vocabulary of the body and illnesses; dialogue at the dispensary.",
                "Learn the vocabulary list, page 61",
            ),
            (
                "Reported speech",
                "Statements and questions in reported speech.",
                "Exercise B page 64",
            ),
            (
                "Reading: The Volta Lake",
                "Comprehension questions and new words.",
                "Answer questions 1 to 6",
            ),
            (
                "Writing a letter",
                "Informal letter: layout and useful phrases.",
                "Write a letter to a friend (150 words)",
            ),
        ],
    ),
    (
        "HG",
        &[
            (
                "La décolonisation en Afrique",
                "Les indépendances ; le cas du Togo, 27 avril 1960.",
                "Apprendre la leçon ; frise chronologique",
            ),
            (
                "Le relief du Togo",
                "Les monts Togo, le plateau, la plaine côtière ; croquis.",
                "Compléter le croquis page 23",
            ),
            (
                "La population togolaise",
                "Répartition, croissance, exode rural.",
                "Questions 1 à 3 page 41",
            ),
            (
                "L’économie du Togo",
                "Agriculture, phosphates, le port autonome de Lomé.",
                "",
            ),
        ],
    ),
    (
        "SVT",
        &[
            (
                "La cellule",
                "Observation au microscope de cellules d’oignon ; schéma légendé.",
                "Refaire le schéma de la cellule végétale",
            ),
            (
                "La digestion",
                "Les organes de l’appareil digestif ; transformation des aliments.",
                "Apprendre le schéma de l’appareil digestif",
            ),
            (
                "Le paludisme",
                "Cycle du plasmodium, prévention : moustiquaires, assainissement.",
                "Exposé par groupe pour la semaine prochaine",
            ),
            (
                "Travaux pratiques",
                "Germination des graines de haricot.",
                "Relever la taille des plantules chaque jour",
            ),
        ],
    ),
    (
        "PC",
        &[
            (
                "Le courant électrique",
                "Circuit simple, sens conventionnel, intensité ; l’ampèremètre.",
                "Exercices 4 et 5 page 58",
            ),
            (
                "La loi d’Ohm",
                "Tension, intensité, résistance : mesures et graphique.",
                "Exercice 9 page 60",
            ),
            (
                "Les mélanges",
                "Mélanges homogènes et hétérogènes ; filtration, décantation.",
                "Questions du cours page 17",
            ),
            ("Les atomes", "Modèle de l’atome ; électrons, noyau.", ""),
        ],
    ),
    (
        "PHILO",
        &[
            (
                "La conscience",
                "Conscience de soi et conscience morale.",
                "Lire le texte de Descartes page 30",
            ),
            (
                "Liberté et déterminisme",
                "Sommes-nous libres ? Introduction au problème.",
                "Dissertation : « Être libre, est-ce faire ce que l’on veut ? »",
            ),
            (
                "Méthode du commentaire",
                "Dégager la thèse, l’argumentation, l’intérêt du texte.",
                "",
            ),
        ],
    ),
    (
        "ALL",
        &[
            (
                "Lektion 5: Die Familie",
                "Wortschatz und Possessivartikel.",
                "Übung 3 Seite 42",
            ),
            (
                "Das Perfekt",
                "Bildung mit haben und sein.",
                "Verben lernen (Liste)",
            ),
            ("Lesetext: Auf dem Markt", "Lesen und Fragen.", ""),
        ],
    ),
    (
        "ECM",
        &[
            (
                "Les droits de l’enfant",
                "La Convention relative aux droits de l’enfant ; le droit à l’éducation.",
                "Apprendre la leçon",
            ),
            (
                "La Constitution togolaise",
                "Les institutions de la République.",
                "",
            ),
        ],
    ),
    (
        "EPS",
        &[
            (
                "Athlétisme : course de vitesse",
                "Échauffement, départs, 60 m chronométré.",
                "",
            ),
            ("Handball", "Passes et démarquage ; matchs à 5.", ""),
            ("Endurance", "Course de 12 minutes, test de Cooper.", ""),
        ],
    ),
    (
        "ENS",
        &[
            (
                "Calcul : la multiplication",
                "Table de 7 ; multiplications posées.",
                "Réciter la table de 7",
            ),
            (
                "Lecture : Le lièvre et l’hyène",
                "Lecture à voix haute et questions.",
                "Relire le texte à la maison",
            ),
            (
                "Sciences : l’eau potable",
                "D’où vient l’eau ? Comment la rendre propre à boire ?",
                "Dessiner le puits de la maison ou du quartier",
            ),
            (
                "Dictée",
                "Dictée préparée n° 6 ; les accords dans le groupe nominal.",
                "Copier les mots de la dictée",
            ),
            (
                "Géographie : ma région",
                "La région Maritime et ses villes.",
                "",
            ),
        ],
    ),
];

fn topics(code: &str) -> &'static [Topic] {
    TOPICS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, t)| *t)
        .unwrap_or(&[])
}

/// The school days (Monday to Friday) from `from` to `to`.
fn school_days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

pub(super) async fn seed(
    tx: &mut Tx<'_>,
    rng: &mut ChaCha8Rng,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let assignments: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT t.class_id, t.subject_id, t.teacher_user_id, j.code FROM teaching_assignments t \
         JOIN classes c ON c.id = t.class_id JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         JOIN subjects j ON j.id = t.subject_id ORDER BY t.class_id, t.subject_id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let days = school_days(today - Duration::days(21), today);
    for (n, (class_id, subject_id, teacher, code)) in assignments.into_iter().enumerate() {
        let list = topics(&code);
        if list.is_empty() {
            continue;
        }
        // Two fixed weekdays per subject and class (every day in primary).
        let primary = code == "ENS";
        let first = (class_id + subject_id) as u32 % 5;
        let second = (first + 2) % 5;
        // About one log in twenty-five stopped twelve days ago.
        let stopped = n % 25 == 7;
        let mine: Vec<NaiveDate> = days
            .iter()
            .copied()
            .filter(|d| {
                let w = d.weekday().num_days_from_monday();
                primary || w == first || w == second
            })
            .filter(|d| !stopped || (today - *d).num_days() > 12)
            .collect();
        for (i, held_on) in mine.iter().enumerate() {
            let (title, content, homework) = list[(i + n) % list.len()];
            // Due at the next lesson (or three school days on for the last one).
            let due = mine
                .get(i + 1)
                .copied()
                .unwrap_or(*held_on + Duration::days(if primary { 1 } else { 5 }));
            let due = if due.weekday() == Weekday::Sat {
                due + Duration::days(2)
            } else if due.weekday() == Weekday::Sun {
                due + Duration::days(1)
            } else {
                due
            };
            let at = Utc.from_utc_datetime(&held_on.and_hms_opt(17, 0, 0).unwrap_or_default())
                + Duration::minutes(rng.random_range(0..180));
            repo::insert(
                tx,
                &NewLesson {
                    class_id,
                    subject_id,
                    teacher_user_id: teacher,
                    held_on: *held_on,
                    title: title.to_string(),
                    content: content.to_string(),
                    homework: (!homework.is_empty()).then(|| (due, homework.to_string())),
                },
                at,
            )
            .await?;
        }
    }
    Ok(())
}
