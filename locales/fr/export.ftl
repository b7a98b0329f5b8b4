# Exports: files made from what the portal shows, and printed documents.

export-menu = Exporter
export-xlsx = Excel
export-csv = CSV (Excel en français)
export-csv-comma = CSV (virgules)
export-pdf = PDF
export-row-count = { $count ->
    [one] { $count } ligne
   *[other] { $count } lignes
}
export-page = Page
export-download = Télécharger le fichier
error-export-format = Ce format d’export n’existe pas. Choisissez Excel, CSV ou PDF.
job-kind-export-bulletins = Bulletins de toute l’école
job-msg-done-bulletins = { $count } classes prêtes.

document-ministry = Ministère de l’Enseignement primaire, secondaire, technique et de l’Artisanat
documents-settings = Modèles de documents
template-broken-title = Le modèle de document contient une erreur
template-broken-help = Le document n’a pas pu être produit avec le modèle de l’école. Corrigez le modèle à l’endroit indiqué, ou revenez au modèle de Suku.
template-error-at = Ligne { $line }, colonne { $column }

bulletin-pdf = Télécharger le bulletin (PDF)
class-bulletins-pdf = Bulletins de la classe (PDF)
school-bulletins-zip = Bulletins de toute l’école (ZIP)
school-bulletins-zip-help = Un fichier PDF par classe, réunis dans une archive ZIP. La préparation se fait en arrière-plan ; vous pouvez suivre l’avancement et continuer à travailler.
receipt-pdf = Télécharger le reçu (PDF)
receipt-verify-qr = Scannez pour vérifier ce reçu
receipt-verify-title = Vérification d’un reçu
receipt-verify-valid = Reçu authentique, émis par { $school }.
receipt-verify-cancelled = Ce reçu a été émis, puis annulé : il ne vaut plus paiement.
receipt-verify-unknown = Aucun reçu ne correspond à ce code. Le reçu est peut-être falsifié, ou le code a été mal recopié.

arrears-title = Impayés au { $date }
reference = Référence

nav-exports = Exports
exports-help = Les fichiers préparés en arrière-plan sont ici, avec leur avancement. Ils restent disponibles sept jours.
exports-mine = Mes exports
exports-none = Aucun export pour l’instant.
export-what = Export
export-file = Fichier
export-kept-until = conservé jusqu’au { $date }
export-templates = Modèles d’export de l’établissement
export-templates-none = Aucun modèle enregistré.
export-template-new = Nouveau modèle à partir de…
dataset = Données
documents-help = En-tête officiel des bulletins et reçus, et mise en page propre à l’établissement.
job-kind-export-template = Export d’un modèle
job-msg-export-reading = Lecture des données…
job-msg-export-writing = Écriture de { $count } lignes…
job-msg-export-saving = Enregistrement du fichier…
job-msg-export-done = { $count } lignes exportées.

export-template = Modèle d’export
export-template-name = Nom du modèle
export-title = Titre du fichier
export-columns = Colonnes
export-columns-help = Cochez les colonnes voulues, numérotez-les dans l’ordre souhaité et renommez-les si besoin. L’aperçu se met à jour pendant que vous tapez.
export-column-use = Colonne
export-column-position = Ordre
export-column-heading = Intitulé
export-column-format = Format
export-filters = Filtres, regroupement et tri
date-from = Du
date-to = Au
export-group-by = Regrouper par
export-sort-by = Trier par
export-descending = Du plus grand au plus petit
export-layout = Mise en page (PDF)
export-orientation = Orientation
export-portrait = Portrait
export-landscape = Paysage
export-logo = Logo de l’établissement
export-header = Texte d’en-tête
export-footer = Pied de page
export-in-background = Préparer en arrière-plan
export-launch = Lancer
export-template-confirm-delete = Supprimer ce modèle ? Les fichiers déjà produits restent disponibles.
export-preview = Aperçu
export-preview-first = { $count } premières lignes
export-preview-invalid = Le modèle n’est pas encore complet :

format-text = Texte
format-upper = MAJUSCULES
format-number = Nombre
format-xof = Montant en FCFA
format-decimal = Décimal
format-date = Date (24/11/2026)
format-iso = Date ISO (2026-11-24)

dataset-students = Liste des élèves
dataset-balances = Soldes des comptes
dataset-payments = Paiements
dataset-absences = Absences et retards
dataset-averages = Moyennes de la période
dataset-unknown = Données inconnues
billed = Facturé
absence-kind = Type
minutes = Minutes
absence-state = Justification

error-dataset = Ces données n’existent pas.
error-columns-none = Choisissez au moins une colonne.
error-column-unknown = Une colonne choisie n’existe pas dans ces données.
error-column-format = Ce format ne convient pas à cette colonne.
error-column-twice = Une colonne est choisie deux fois.
error-period-required = Choisissez la période.
error-date-order = La date de fin précède la date de début.
error-template-name-taken = Un autre modèle porte déjà ce nom.
template-saved = Modèle enregistré.
template-deleted = Modèle supprimé.
documents-saved = Modèles de documents enregistrés.

documents-letterhead = En-tête officiel
documents-letterhead-help = Ce bloc figure en haut des bulletins et des reçus. Laissez un champ vide pour le texte habituel.
documents-country = Pays
documents-motto = Devise
documents-ministry = Ministère
documents-signer-title = Signataire des certificats (titre)
documents-signer-name = Nom du signataire
documents-region = Direction régionale de l’éducation
documents-layouts = Mise en page des documents
documents-layouts-help = Pour utilisateurs avancés : la mise en page est écrite en Typst. Les données disponibles sont décrites en tête de chaque modèle. Un modèle ne peut lire que ses données : ni fichiers ni réseau. Un modèle qui contient une erreur n’est pas enregistré.
documents-bulletin-layout = Bulletin
documents-receipt-layout = Reçu de paiement
documents-own = mise en page de l’établissement
documents-preview = Aperçu (PDF)
documents-reset = Revenir au modèle de Suku

class-list-title = Liste de la classe { $class }

risk-level = Niveau de risque

statement-family = Relevé de compte de la famille
statement-balance-of = Solde de { $name }
statement-at = Arrêté au
statement-pdf = Relevé de compte (PDF)
statement-family-pdf = Relevé de la famille (PDF)
