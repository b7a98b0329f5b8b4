## Suku: textes communs, connexion, portails.

app-description = Le portail de l’école : notes, bulletins, absences, frais scolaires.
skip-to-content = Aller au contenu
nav-main = Navigation principale
nav-home = Accueil
nav-my-classes = Mes classes
nav-my-children = Mes enfants
nav-dashboard = Tableau de bord
nav-students = Élèves
nav-classes = Classes
nav-guardians = Parents
nav-staff = Personnel
nav-users = Comptes
nav-password = Mot de passe
logout = Se déconnecter
language = Langue
switch-to-english = English
switch-to-french = Français
switch-to-role = Passer en { $role }
back-home = Retour à l’accueil
retry = Réessayer
save = Enregistrer
saved = Modifications enregistrées.
colon = {"\u00A0: "}
you = vous

portal-student = Espace élève
portal-teacher = Espace enseignant
portal-parent = Espace parents
portal-admin = Administration

role-student = élève
role-teacher = enseignant
role-parent = parent
role-director = directeur
role-bursar = économe
role-secretary = secrétaire

## Connexion
login-title = Connexion
login-intro = Connectez-vous avec votre e-mail ou votre numéro de téléphone.
login-kind = Se connecter avec
login-by-telephone = Téléphone
login-by-email = E-mail
login-telephone = Numéro de téléphone
login-email = Adresse e-mail
login-telephone-help = Par exemple : 90 12 34 56
login-email-help = Par exemple : nom@ecole.tg
login-password = Mot de passe
login-remember = Rester connecté sur cet appareil
login-submit = Se connecter
login-error-bad = Identifiant ou mot de passe incorrect.
login-error-format = Saisissez une adresse e-mail ou un numéro de téléphone togolais (+228 et 8 chiffres).
login-error-inactive = Ce compte est désactivé. Adressez-vous au secrétariat de l’école.
login-error-no-role = Ce compte n’a aucun rôle dans l’école. Adressez-vous au secrétariat.
login-error-locked-account = { $minutes ->
    [one] Trop de tentatives pour ce compte. Réessayez dans { $minutes } minute.
   *[other] Trop de tentatives pour ce compte. Réessayez dans { $minutes } minutes.
}
login-error-locked-ip = { $minutes ->
    [one] Trop de tentatives depuis cet appareil. Réessayez dans { $minutes } minute.
   *[other] Trop de tentatives depuis cet appareil. Réessayez dans { $minutes } minutes.
}

## Mot de passe
password-title = Changer de mot de passe
password-current = Mot de passe actuel
password-new = Nouveau mot de passe (8 caractères au moins)
password-confirm = Confirmez le nouveau mot de passe
password-changed = Votre mot de passe a été changé. Vos autres sessions ont été fermées.

## Erreurs
error-title-400 = Demande incorrecte
error-title-401 = Connexion requise
error-title-403 = Accès refusé
error-title-404 = Page introuvable
error-title-413 = Envoi trop volumineux
error-title-422 = Formulaire incomplet
error-title-429 = Trop de tentatives
error-title-500 = Erreur du serveur
error-title-503 = Service indisponible
error-not-found = Cette page n’existe pas ou n’existe plus.
error-forbidden = Vous n’avez pas accès à cette page.
error-csrf = Le formulaire a expiré. Rechargez la page et recommencez.
error-internal = Une erreur est survenue de notre côté. Réessayez dans un instant ; si elle persiste, prévenez l’école.
error-bad-request = La demande est incorrecte.
error-too-large = L’envoi est trop volumineux.
error-required = Ce champ est obligatoire.
error-too-long = Ce texte est trop long.
error-phone-format = Numéro invalide : 8 chiffres commençant par 2, 7 ou 9, par exemple 90 12 34 56.
error-phone-country = Seuls les numéros du Togo (+228) sont acceptés.
error-email-format = Adresse e-mail invalide.
error-date-format = Date invalide (jj/mm/aaaa).
error-sex = Choisissez F ou M.
error-password-short = Le mot de passe doit contenir au moins 8 caractères.
error-password-current = Le mot de passe actuel est incorrect.
error-password-confirm = Les deux mots de passe ne sont pas identiques.

## Pages
pagination = Pages
page-prev = ← Précédente
page-next = Suivante →
page-of = Page { $page } sur { $pages }
results-count = { $count ->
    [0] Aucun résultat
    [one] { $shown } résultat
   *[other] { $shown } résultats
}
offline-title = Pas de connexion
offline-text = Vous êtes hors ligne. Les pages déjà consultées restent disponibles ; les autres s’afficheront au retour du réseau.

## Portails
school-year = Année scolaire { $year }
class = Classe
level = Niveau
room = Salle
headcount = Effectif
head-teacher = Professeur principal
you-are-head-teacher = Vous êtes professeur principal
matricule = Matricule
name = Nom et prénoms
first-name = Prénom(s)
last-name = Nom
sex = Sexe
sex-f = Fille
sex-m = Garçon
birth-date = Date de naissance
birth-place = Lieu de naissance
subject = Matière
teacher = Enseignant
phone = Téléphone
email = E-mail
roster = Liste de la classe
number-short = N°
teachers-of-class = Matières et enseignants
no-teachers = Aucun enseignant affecté pour le moment.
not-enrolled = Pas encore inscrit
student-no-record = Votre compte n’est relié à aucune fiche d’élève. Adressez-vous au secrétariat.
students-count = { $count ->
    [one] { $count } élève
   *[other] { $count } élèves
}
no-classes = Aucune classe.
back-to-classes = ← Mes classes
choose-child = Choisir un enfant
guardians = Parents et tuteurs
relationship-pere = père
relationship-mere = mère
relationship-tuteur = tuteur
no-children = Aucun enfant n’est relié à votre compte. Adressez-vous au secrétariat de l’école.

## Carnet de notes
gradebook = Carnet de notes
gradebooks = Mes carnets de notes
back-to-class = ← Retour à la { $class }
back-to-gradebook = ← Retour au carnet de notes
periods = Périodes
period-trimestre = { $n ->
    [1] 1er trimestre
   *[other] { $n }e trimestre
}
period-semestre = { $n ->
    [1] 1er semestre
   *[other] { $n }e semestre
}
closed = clôturé
marks-of-period = Notes de la période
average = Moyenne
kind-devoir = Devoir
kind-interrogation = Interrogation
kind-composition = Composition
kind-tp = TP
no-evaluations = Aucune évaluation pour cette période. Créez la première ci-dessous.
evaluation-new = Nouvelle évaluation
evaluation-kind = Type
evaluation-title = Intitulé
evaluation-title-placeholder = Devoir n° 1
evaluation-date = Date
evaluation-scale = Noté sur
evaluation-weight = Coefficient de l’évaluation
evaluation-create = Créer et saisir les notes
evaluation-created = Évaluation créée : saisissez les notes.
marked-out-of = notée sur { $scale }
weight-n = coefficient { $weight }
mark-out-of = Note sur { $scale }
mark-entry-help = Tapez la note puis Entrée pour passer à l’élève suivant : chaque note est enregistrée aussitôt. « abs » pour un absent, « disp » pour un élève dispensé ou excusé. Vous pouvez coller une colonne copiée d’un tableur.
save-all-marks = Enregistrer toutes les notes
marks-saved = Notes enregistrées.
mark-saved = enregistrée
error-mark-format = Note illisible : un nombre (12 ou 12,5), « abs » ou « disp ».
error-mark-range = La note doit être comprise entre 0 et { $scale }.
error-period-closed = Cette période est clôturée : les notes ne peuvent plus être modifiées. Une correction passe par l’administration.
error-not-in-class = Cet élève n’est pas dans cette classe.
error-scale = Un nombre entier de 1 à 100.
error-weight = Un nombre entier de 1 à 10.
marks = Notes
average-so-far = moyenne : { $average }
no-marks-yet = Pas encore de note pour cette période.
error-password-same = Choisissez un mot de passe différent de l’actuel.
error-password-common = Ce mot de passe est trop facile à deviner. Choisissez-en un autre.
password-must-change = Votre mot de passe est provisoire : choisissez-en un nouveau pour continuer.
error-date-future = Cette date est dans le futur.

## Bulletins
nav-periods = Périodes
bulletin = Bulletin
bulletins = Bulletins
bulletin-title = Bulletin de notes
bulletin-country = République togolaise
bulletin-motto = Travail – Liberté – Patrie
bulletin-not-published = Bulletin en préparation : les familles ne le voient pas encore.
coefficient-short = Coef.
weighted = Moy. × coef.
rank = Rang
class-min = Min.
class-mean = Moy. classe
class-max = Max.
totals = Totaux
general-average = Moyenne générale
rank-in-class = Rang
class-general = Moyennes de la classe (min · moy. · max)
how-computed = Comment ces moyennes sont calculées
signature-head-teacher = Le professeur principal
signature-director = Le directeur
signature-parent = Signature des parents
print = Imprimer
class-results = Résultats et bulletins
mention = Mention
ranked-count = { $count ->
    [one] { $count } élève classé
   *[other] { $count } élèves classés
}
mention-congratulations = Félicitations
mention-encouragement = Encouragements
mention-honour-roll = Tableau d’honneur
mention-warning = Avertissement (travail)
mention-reprimand = Blâme (travail)
see-bulletin = Voir le bulletin
period = Période
dates = Dates
period-state-open = ouverte à la saisie
period-state-closed = clôturée
period-close = Clôturer
period-reopen = Rouvrir
bulletins-state-draft = en préparation
bulletins-state-published = publiés
bulletins-publish = Publier
bulletins-withdraw = Retirer la publication
periods-help = Clôturer une période verrouille les notes ; publier ses bulletins les rend visibles aux élèves et aux parents.
confirm-close = Clôturer cette période ? Les enseignants ne pourront plus modifier les notes.
confirm-reopen = Rouvrir cette période ? Ses bulletins seront retirés de la publication.
period-closed = Période clôturée : les notes sont verrouillées.
period-reopened = Période rouverte.
bulletins-published = Bulletins publiés : les familles peuvent les consulter.
bulletins-withdrawn = Publication retirée.
error-publish-open-period = Clôturez la période avant de publier ses bulletins.
bulletins-prepare = Préparer la publication
bulletins-publish-go = Publier les bulletins…
confirm-withdraw = Retirer la publication ? Les familles ne verront plus ces bulletins ; les avis déjà envoyés restent.
publish-steps = La publication, étape par étape
step-teachers = Notes, compositions et appréciations des enseignants
step-teachers-help = Dans chaque classe, chaque matière a une composition, une note (ou « abs », « disp ») pour chaque élève à chaque évaluation, et l’appréciation du professeur pour chaque élève. Les enseignants les saisissent tant que la période est ouverte.
step-close = Clôture de la période
step-close-help = Les notes et les appréciations des enseignants ne changent plus : le conseil travaille sur les moyennes définitives.
step-council = Conseil de classe
step-council-help = Le professeur principal ou le directeur enregistre la conduite de chaque élève et la feuille du conseil. Le conseil se tient avant la publication : sa feuille est verrouillée une fois les bulletins publiés.
step-publish = Publication
step-publish-help = Les élèves et les parents voient les bulletins et en sont prévenus.
classes-complete = Classes prêtes : { $done } sur { $total }
readiness-title = Où en est chaque classe
readiness-students = Élèves
readiness-marks = Notes
readiness-compositions = Compositions
readiness-appreciations = Appréciations
council-held = Tenu
council-not-held = Pas encore tenu
readiness-ready = Prête
readiness-incomplete = À compléter
readiness-missing-marks = Notes manquantes : { $subjects }
readiness-missing-compositions = Sans composition : { $subjects }
readiness-missing-appreciations = Appréciations manquantes : { $subjects }
readiness-empty = Aucune classe n’a d’élève inscrit.
publish-confirm-title = Publier les bulletins
publish-confirm-guardians = { $count ->
    [0] Aucun parent ni tuteur ne sera prévenu : aucun élève de l’année n’a de parent enregistré.
    [one] { $words } ({ $shown }) parent ou tuteur sera prévenu.
   *[other] { $words } ({ $shown }) parents et tuteurs seront prévenus.
}
publish-confirm-students = { $count ->
    [one] Un élève qui a son propre compte le sera aussi.
   *[other] { $shown } élèves qui ont leur propre compte le seront aussi.
}
publish-confirm-irreversible = Chacun reçoit l’avis aussitôt, selon ses préférences (dans le portail, par e-mail ou sur son téléphone). Un avis envoyé ne se reprend pas : retirer ensuite la publication ne l’efface pas.
publish-confirm-not-ready = { $count ->
    [one] Attention : une classe n’est pas prête :
   *[other] Attention : { $shown } classes ne sont pas prêtes :
}
publish-confirm = Confirmer la publication
publish-cancel = Ne pas publier

## Assiduité
roll-call = Faire l’appel
roll-call-help = Tous les élèves sont présents par défaut : cochez seulement les absents et les retards (avec les minutes de retard).
roll-call-save = Enregistrer l’appel
roll-call-saved = Appel enregistré.
roll-call-recent = Derniers appels
no-roll-call = Aucun appel pour cette classe.
date = Date
starts-at = Heure de début
session-minutes = Durée de la séance (minutes)
attendance-present = Présent
attendance-absence = Absence
attendance-retard = Retard
attendance-kind = Nature
late-minutes = Minutes de retard
minutes-short = min
absents-count = { $count ->
    [0] aucun absent
    [one] { $count } absent
   *[other] { $count } absents
}
lates-count = { $count ->
    [0] aucun retard
    [one] { $count } retard
   *[other] { $count } retards
}
error-time-format = Heure invalide (par exemple 07:00 ou 14h30).
error-minutes = Un nombre de minutes entre 1 et 480.
error-late-minutes = Indiquez les minutes de retard (1 à 240).
error-roll-call-taken = L’appel de cette séance a déjà été fait.
absences = Absences et retards
hours-unjustified = { $hours ->
    [one] { $hours } heure non justifiée
   *[other] { $hours } heures non justifiées
}
hours-justified = { $hours ->
    [one] { $hours } heure justifiée
   *[other] { $hours } heures justifiées
}
justification-none = à justifier
justification-submitted = justification envoyée
justification-accepted = justifiée
justification-refused = justification refusée
reason = Motif
reason-placeholder = Motif de l’absence
justify = Justifier
justification-sent = Justification envoyée à l’école.
error-justification-closed = Cette absence ne peut plus être justifiée.
no-absences = Aucune absence ni retard sur cette période.
nav-absences = Absences
pending-help = Justifications envoyées par les familles, à accepter ou refuser.
decision = Décision
accept = Accepter
refuse = Refuser
no-pending = Aucune justification en attente.
justification-accepted-flash = Justification acceptée.
justification-refused-flash = Justification refusée.

## Jobs and their progress
job-state-queued = En attente
job-state-running = En cours…
job-state-done = Terminé
job-state-failed = Échec
job-state-cancelled = Annulé
job-progress = Avancement
job-attempt = tentative { $n }
job-cancel = Annuler
job-cancel-asked = Annulation demandée.
job-failed-help = Le travail a échoué après plusieurs tentatives. L’erreur est dans le journal du serveur ; réessayez ou contactez l’administrateur.
job-kind-bulletins-school = Calcul des bulletins de l’établissement
job-msg-class = Classe { $class }…
job-msg-done-classes = { $count } classes calculées.
school-results = Résultats de l’établissement
school-results-compute = Calculer les résultats
school-results-see = Voir les résultats
school-results-computed = Calculés le { $at }, à partir des notes de ce moment.
school-results-ranked = Élèves classés
school-results-pass-rate = Moyenne ≥ 10
school-results-honours = Tableau d’honneur
school-results-warnings = Avertissements

## Announcements
nav-announcements = Annonces
announcement-new = Nouvelle annonce
announcement-new-badge = nouveau
no-announcements = Aucune annonce pour l’instant.
announcement-audience = Destinataires
audience-school = Tout l’établissement
audience-level = Niveau
audience-class = Classe
audience-staff = Personnel seulement
announcement-level = Niveau (si « Niveau »)
announcement-class = Classe (si « Classe »)
announcement-title = Titre
announcement-body = Texte
announcement-publish = Publier
announcement-published = Annonce publiée.
announcement-help = Une annonce à une classe ou à un niveau va à ses élèves, à leurs parents et à leurs enseignants. Vous verrez qui l’a lue.
announcement-reads = Lecture
announcement-read-by = { $total ->
    [one] Lue par { $read } destinataire sur { $total }
   *[other] Lue par { $read } destinataires sur { $total }
}
announcement-not-read = Pas encore lue par

## Council
appreciations = Appréciations
appreciation = Appréciation
appreciations-help = Une appréciation courte par élève, imprimée sur le bulletin en face de votre matière. Tapez les premières lettres pour choisir une formule, ou écrivez la vôtre. Chaque appréciation est enregistrée dès que vous vous arrêtez d’écrire ; le bouton Enregistrer enregistre toute la colonne.
appreciations-saved = Appréciations enregistrées.
appreciation-saved = enregistrée
appreciation-saving = enregistrement…
appreciation-retrying = pas encore enregistrée, nouvel essai…
appreciation-excellent = Excellent travail
appreciation-tres-bien = Très bon travail
appreciation-bien = Bon travail
appreciation-assez-bien = Assez bien
appreciation-passable = Passable
appreciation-insuffisant = Travail insuffisant
appreciation-peut-mieux = Peut mieux faire
appreciation-irregulier = Travail irrégulier
appreciation-ressaisir = Doit se ressaisir
council = Conseil de classe
council-help = Le professeur principal et le directeur préparent ici le conseil : note de conduite, appréciation du professeur principal, appréciation du conseil et, au dernier trimestre, la décision de fin d’année (proposée d’après la moyenne annuelle). Tout est enregistré d’un coup ; la feuille se ferme quand les bulletins sont publiés.
council-saved = Feuille du conseil enregistrée.
conduct = Conduite
head-note = Appréciation du professeur principal
council-note = Appréciation du conseil
annual-average = Moyenne annuelle
annual-results = Résultats annuels
annual-help = La moyenne annuelle est la moyenne des moyennes trimestrielles. La décision proposée est « passe » à partir de 10, « redouble » en dessous ; le conseil décide.
decision-proposed = Proposition
decision-passe = Passe en classe supérieure
decision-redouble = Redouble
decision-exclu = Exclu
students-ranked = { $count ->
    [one] { $count } élève classé
   *[other] { $count } élèves classés
}
error-council-published = Les bulletins de cette période sont publiés : la feuille du conseil ne se modifie plus.
group-subtotal = Sous-total { $group }
justification-photo = Photo du mot (facultatif)
justification-photo-see = Photo du mot
error-photo-type = La photo doit être une image JPEG, PNG ou WebP.
see-all = Tout voir
note-absence = Noter une absence ou un retard
note-absence-help = Pour le surveillant : un retard à l’entrée ou une absence constatée hors de l’appel d’un enseignant. L’appel de l’enseignant pour la même heure reprend ces notes.
note-absence-submit = Noter
absence-noted = Noté pour { $name }.
error-matricule-unknown = Aucun élève inscrit n’a ce matricule.
error-already-noted = Cet élève est déjà noté pour cette heure.
mark-saving = enregistrement…
mark-retrying = pas encore enregistrée, nouvel essai…
nav-menu = Menu
nav-shortcuts = Raccourcis
close = Fermer
roll-call-tap-help = Touchez le nom d’un élève pour le passer de présent à absent, puis en retard.
mark-absent = Absent
mark-excused = Dispensé
error-date-nonexistent = Le { $date } n’existe pas.
pending-title = Justifications en attente
pending-count = { $count ->
    [0] Aucune en attente
   *[other] { $shown } en attente
}
reason-given = Motif donné :
matricule-suggested-help = Le prochain matricule de l’école est proposé ; vous pouvez le changer.
login-forgot = Mot de passe oublié ?
login-show-password = Afficher le mot de passe
reset-title = Mot de passe oublié
reset-intro = Saisissez votre numéro de téléphone ou votre adresse e-mail : nous vous envoyons un code à 6 chiffres par SMS (ou par e-mail), valable 10 minutes.
reset-login = Téléphone ou e-mail
reset-send = Recevoir un code
reset-have-code = J’ai déjà un code
reset-back = Retour à la connexion
reset-no-phone = Pas de téléphone ni d’e-mail enregistré ? Le secrétariat vous remet un bon de réinitialisation.
reset-sent = Si un compte correspond, un code vient d’être envoyé. Il est valable 10 minutes.
reset-code-title = Choisir un nouveau mot de passe
reset-code-intro = Saisissez le code reçu par SMS, par e-mail ou sur le bon du secrétariat, puis votre nouveau mot de passe.
reset-code = Code à 6 chiffres
reset-save = Enregistrer le nouveau mot de passe
reset-new-code = Recevoir un nouveau code
reset-done = Votre mot de passe a été changé. Toutes vos sessions ont été fermées : connectez-vous.
reset-error-code = Code incorrect ou expiré.
reset-error-code-format = Le code a 6 chiffres.
reset-error-limited = { $minutes ->
    [one] Trop de demandes : réessayez dans { $minutes } minute.
   *[other] Trop de demandes : réessayez dans { $minutes } minutes.
}
reset-code-text = { $school } : votre code pour changer de mot de passe est { $code }. Valable { $delay } minutes. Ne le donnez à personne.
reset-code-subject = { $school } : votre code de réinitialisation
slip-title = Bon de réinitialisation du mot de passe
slip-help = Pour une personne qui a oublié son mot de passe et n’a ni téléphone ni e-mail enregistré : le bon porte un code valable 48 heures.
slip-make = Imprimer un bon
slip-until = Valable jusqu’au
slip-step-open = Ouvrez { $address } sur un téléphone ou un ordinateur.
slip-step-code = Saisissez votre téléphone ou e-mail, le code ci-dessus et un nouveau mot de passe.
slip-step-keep = Gardez ce bon pour vous : quiconque le lit peut changer votre mot de passe.
whatsapp-write = Écrire sur WhatsApp
marks-class-spread = Classe : moyenne { $mean } · plus basse { $min } · plus haute { $max }
gradebook-mean = Moyenne de la classe
gradebook-min = Note la plus basse
gradebook-max = Note la plus haute
whatsapp = WhatsApp
nav-family = Ma famille
family-title = Ma famille en un coup d’œil
family-total-due = Reste à payer pour toute la famille : { $amount }
family-average = Moyenne générale du trimestre, jusqu’ici
family-absences = Absences ce mois-ci
family-fees = Frais scolaires
family-paid-up = à jour
family-next = Prochain travail
family-open = Voir le détail
family-pay = Payer
nav-entry = Saisie des notes
entry-title = Suivi de la saisie des notes
entry-help = Pour chaque classe et chaque matière de la période : les évaluations où chaque élève a sa note, la composition, les appréciations écrites. Une ligne en retard peut être rappelée à son enseignant.
entry-evaluations = Évaluations complètes
entry-composition = Composition
entry-appreciations = Appréciations
entry-missing = manquante
entry-remind = Rappeler à l’enseignant
entry-class-done = saisie terminée
entry-no-classes = Aucune classe avec des élèves pour cette période.
entry-reminded = Rappel envoyé à { $teacher }.
notif-marks-awaited = Les notes et appréciations de { $subject } en { $class } sont attendues avant le conseil de classe.
general-so-far = Moyenne générale provisoire
general-so-far-help = moyennes des matières pondérées par leurs coefficients ; le bulletin fait foi.
evaluation-copy-title = Copier dans d’autres classes
evaluation-copy-help = Le même devoir (type, intitulé, date, barème et poids) dans vos autres classes de cette matière ; chaque copie a sa propre colonne de notes.
evaluation-copy-button = Copier
evaluation-copy-none = Cochez au moins une classe.
evaluation-copied = { $count ->
    [one] Évaluation copiée dans { $count } classe.
   *[other] Évaluation copiée dans { $count } classes.
}
entry-preview-bulletins = Aperçu des bulletins (PDF)
