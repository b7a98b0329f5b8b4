## Imports

nav-import = Import
required = obligatoire
guardian = Parent
import-students-title = Élèves et parents
import-students-help = Importez la liste des élèves d’un fichier Excel (.xlsx) ou CSV, avec un parent par élève. Le fichier est d’abord vérifié ligne par ligne : rien n’est enregistré tant qu’une ligne a une erreur, puis tout est enregistré d’un coup. Les élèves inscrits sont facturés selon les tranches de leur niveau.
import-columns = Colonnes reconnues (la première ligne du fichier porte leurs titres, dans n’importe quel ordre) :
import-template = Modèle à remplir :
import-file = Fichier
import-check = Vérifier le fichier
import-recent = Imports récents
import-rows = Lignes
import-bad-rows = Lignes en erreur
import-confirmed = Import lancé
import-rejected = Refusé (erreurs)
import-waiting = Vérifié, en attente de confirmation
import-none = Aucun import pour l’instant.
import-preview = Vérification
import-line = Ligne
import-problems = Erreurs
import-row-ok = Prête
import-all-good = { $count ->
    [one] La ligne est correcte.
   *[other] Les { $shown } lignes sont correctes.
}
import-confirm = { $count ->
    [one] Importer l’élève
   *[other] Importer les { $shown } élèves
}
import-has-problems = { $bad ->
    [one] Une ligne en erreur sur { $rows } : rien ne sera importé. Corrigez le fichier puis envoyez-le de nouveau.
   *[other] { $bad } lignes en erreur sur { $rows } : rien ne sera importé. Corrigez le fichier puis envoyez-le de nouveau.
}
import-error-no-file = Choisissez un fichier.
import-error-format = Ce fichier n’est ni un CSV ni un classeur Excel (.xlsx) lisible.
import-error-too-big = Ce fichier est trop grand : au plus { $rows } lignes et { $columns } colonnes remplies.
import-error-empty = Le fichier ne contient pas de ligne de titres suivie d’au moins une ligne d’élève.
import-error-not-clean = Ce fichier a des erreurs : il ne peut pas être importé.
import-missing-column = Colonne manquante : « { $column } ».
import-required = « { $column } » est vide.
import-too-long = « { $column } » est trop long.
import-matricule-exists = Le matricule { $matricule } existe déjà dans l’établissement.
import-matricule-twice = Le matricule { $matricule } est déjà à la ligne { $line }.
import-bad-sex = Sexe « { $value } » inconnu : écrivez F ou M.
import-bad-date = Date de naissance « { $value } » illisible : écrivez JJ/MM/AAAA.
import-unknown-class = Classe « { $value } » inconnue cette année.
import-bad-phone = Téléphone « { $value } » invalide : il faut un numéro togolais à 8 chiffres.
import-bad-email = Adresse e-mail « { $value } » invalide.
import-guardian-contact = Le parent n’a ni téléphone ni e-mail.
import-bad-relationship = Lien « { $value } » inconnu : mère, père ou tuteur.
import-col-matricule = Matricule
import-col-nom = Nom
import-col-prenoms = Prénoms
import-col-sexe = Sexe
import-col-date_naissance = Date de naissance
import-col-lieu_naissance = Lieu de naissance
import-col-classe = Classe
import-col-parent_nom = Nom du parent
import-col-parent_prenoms = Prénoms du parent
import-col-parent_telephone = Téléphone du parent
import-col-parent_email = E-mail du parent
import-col-lien = Lien
import-msg-writing = Enregistrement de { $count } élèves…
import-msg-done = { $students } élèves et { $guardians } nouveaux parents enregistrés, { $invoices } factures créées.
import-msg-conflict = Des matricules ont été créés depuis la vérification ({ $matricules }) : rien n’a été importé. Vérifiez le fichier de nouveau.
import-see-students = Voir les élèves
import-again = Vérifier de nouveau
job-kind-import-students = Import des élèves
import-template-xlsx = Excel (.xlsx)
import-template-csv = CSV (séparateur point-virgule)
import-done = Importé
import-file-problems = Le fichier ne peut pas être vérifié ligne par ligne : corrigez d’abord les titres de colonnes ci-dessous.
import-future-date = Date de naissance « { $value } » dans le futur.
import-marks-title = Importer les notes d’un fichier
import-marks-help = Un fichier Excel ou CSV avec une colonne « Matricule » et une colonne « Note » (sur le barème de l’évaluation). Les notes remplissent la colonne ci-dessus sans être enregistrées : vérifiez-les, puis enregistrez.
import-marks-ready = { $count ->
    [one] Une note lue dans le fichier. Vérifiez-la puis cliquez sur « Enregistrer toutes les notes ».
   *[other] { $count } notes lues dans le fichier. Vérifiez-les puis cliquez sur « Enregistrer toutes les notes ».
}
import-marks-problems = Le fichier n’a pas été repris : corrigez ces lignes puis importez-le de nouveau.
import-marks-columns = Il faut une colonne « Matricule » et une colonne « Note ».
import-marks-unknown = Ligne { $line } : aucun élève de la classe n’a le matricule « { $value } ».
import-marks-twice = Ligne { $line } : le matricule « { $value } » est déjà plus haut.
import-marks-bad = Ligne { $line } : note « { $value } » illisible ou hors barème (sur { $scale }, « abs » ou « disp »).
import-error-file-too-large = Ce fichier dépasse 5 Mo : une liste d’élèves ou une colonne de notes en fait bien moins. Enregistrez-le sans images ni autres feuilles.
import-date-nonexistent = Date de naissance : le { $value } n’existe pas.
