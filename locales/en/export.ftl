# Exports: files made from what the portal shows, and printed documents.

export-menu = Export
export-xlsx = Excel
export-csv = CSV (semicolons)
export-csv-comma = CSV (commas)
export-pdf = PDF
export-row-count = { $count ->
    [one] { $count } row
   *[other] { $count } rows
}
export-page = Page
export-download = Download the file
error-export-format = This export format does not exist. Choose Excel, CSV or PDF.
job-kind-export-bulletins = The whole school's bulletins
job-msg-done-bulletins = { $count } classes ready.

document-ministry = Ministry of Primary, Secondary and Technical Education and Crafts
documents-settings = Document templates
template-broken-title = The document template has an error
template-broken-help = The document could not be made with the school's template. Fix the template where shown, or go back to Suku's template.
template-error-at = Line { $line }, column { $column }

bulletin-pdf = Download the bulletin (PDF)
class-bulletins-pdf = The class's bulletins (PDF)
school-bulletins-zip = The whole school's bulletins (ZIP)
school-bulletins-zip-help = One PDF file per class, in one ZIP archive. It is prepared in the background; you can follow its progress and keep working.
receipt-pdf = Download the receipt (PDF)
receipt-verify-qr = Scan to check this receipt
receipt-verify-title = Receipt check
receipt-verify-valid = Genuine receipt, issued by { $school }.
receipt-verify-cancelled = This receipt was issued, then cancelled: it no longer counts as a payment.
receipt-verify-unknown = No receipt matches this code. The receipt may be forged, or the code was copied wrongly.

arrears-title = Arrears at { $date }
reference = Reference
