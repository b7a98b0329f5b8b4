//! The demo school's FAQ: what families ask the office every day (fees, calendar, uniform,
//! contacts, hours, bulletins), so that the assistant answers out of the box without a
//! language model.

use chrono::Utc;

use crate::db::Tx;

const FAQ: &[(&str, &str, &str)] = &[
    (
        "Quand et comment payer les frais de scolarité ?",
        "Les frais se paient en trois tranches : la 1re à l’inscription, la 2e avant le 15 janvier, la 3e avant le 15 avril. Vous payez à la caisse de l’économat (du lundi au vendredi, de 7 h 30 à 15 h) ou par Flooz et T-Money depuis l’espace parents, bouton « Payer par mobile money ». Un reçu numéroté vous est remis dans tous les cas.",
        "frais scolarité tranche échéance payer paiement caisse économat flooz tmoney mobile money reçu",
    ),
    (
        "Quand sont les vacances ?",
        "Vacances de Noël du samedi 19 décembre 2026 au dimanche 3 janvier 2027, de Pâques du samedi 27 mars au dimanche 11 avril 2027. Les cours finissent le vendredi 25 juin 2027. Le CEPD, le BEPC et le BAC suivent le calendrier national des examens.",
        "vacances congés calendrier rentrée noël pâques fin année examens holidays",
    ),
    (
        "Quel est l’uniforme ?",
        "Chemise kaki et pantalon ou jupe bleu marine, chaussures fermées. Le mercredi, la tenue de sport de l’école (tee-shirt vert et short noir). L’uniforme et la tenue de sport s’achètent à l’économat.",
        "uniforme tenue habit chemise kaki jupe pantalon sport chaussures uniform",
    ),
    (
        "Comment joindre l’école ?",
        "Le secrétariat répond au +228 22 21 45 67, du lundi au vendredi de 7 h à 16 h, et à secretariat@lumiere.tg. Pour une absence, prévenez le professeur principal par la messagerie du portail, puis justifiez-la depuis l’espace parents.",
        "contact joindre appeler téléphone numéro secrétariat email adresse directeur phone",
    ),
    (
        "Quels sont les horaires de l’école ?",
        "Le portail ouvre à 6 h 45. Les cours ont lieu de 7 h à 12 h et de 15 h à 17 h ; le mercredi après-midi est libre. L’emploi du temps de chaque classe est dans son espace.",
        "horaires ouverture portail fermeture matin après-midi mercredi",
    ),
    (
        "Quand sortent les bulletins ?",
        "Les bulletins paraissent après le conseil de classe de chaque trimestre : vous recevez une notification et les trouvez dans l’espace parents, à imprimer ou à télécharger en PDF.",
        "bulletin bulletins sortie publication conseil classe trimestre quand",
    ),
];

pub async fn seed(tx: &mut Tx<'_>) -> anyhow::Result<()> {
    let now = Utc::now();
    for (q, a, k) in FAQ {
        crate::assistant::repo::add_faq(&mut **tx, q, a, k, None, now).await?;
    }
    Ok(())
}
