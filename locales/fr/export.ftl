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
error-export-format = Ce format d'export n'existe pas. Choisissez Excel, CSV ou PDF.
job-kind-export-bulletins = Bulletins de toute l'école
job-msg-done-bulletins = { $count } classes prêtes.

document-ministry = Ministère de l'Enseignement primaire, secondaire, technique et de l'Artisanat
documents-settings = Modèles de documents
template-broken-title = Le modèle de document contient une erreur
template-broken-help = Le document n'a pas pu être produit avec le modèle de l'école. Corrigez le modèle à l'endroit indiqué, ou revenez au modèle de Suku.
template-error-at = Ligne { $line }, colonne { $column }

bulletin-pdf = Télécharger le bulletin (PDF)
class-bulletins-pdf = Bulletins de la classe (PDF)
school-bulletins-zip = Bulletins de toute l'école (ZIP)
school-bulletins-zip-help = Un fichier PDF par classe, réunis dans une archive ZIP. La préparation se fait en arrière-plan ; vous pouvez suivre l'avancement et continuer à travailler.
receipt-pdf = Télécharger le reçu (PDF)
receipt-verify-qr = Scannez pour vérifier ce reçu
receipt-verify-title = Vérification d'un reçu
receipt-verify-valid = Reçu authentique, émis par { $school }.
receipt-verify-cancelled = Ce reçu a été émis, puis annulé : il ne vaut plus paiement.
receipt-verify-unknown = Aucun reçu ne correspond à ce code. Le reçu est peut-être falsifié, ou le code a été mal recopié.

arrears-title = Impayés au { $date }
reference = Référence
