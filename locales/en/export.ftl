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

nav-exports = Exports
exports-help = Files prepared in the background are here, with their progress. They stay available for seven days.
exports-mine = My exports
exports-none = No export yet.
export-what = Export
export-file = File
export-kept-until = kept until { $date }
export-templates = The school's export templates
export-templates-none = No saved template.
export-template-new = New template from…
dataset = Data
documents-help = The official header of bulletins and receipts, and the school's own layout.
job-kind-export-template = Export of a template
job-msg-export-reading = Reading the data…
job-msg-export-writing = Writing { $count } rows…
job-msg-export-saving = Saving the file…
job-msg-export-done = { $count } rows exported.

export-template = Export template
export-template-name = Template name
export-title = File title
export-columns = Columns
export-columns-help = Tick the columns you want, number them in the order you want and rename them if needed. The preview updates as you type.
export-column-use = Column
export-column-position = Order
export-column-heading = Heading
export-column-format = Format
export-filters = Filters, grouping and sorting
date-from = From
date-to = To
export-group-by = Group by
export-sort-by = Sort by
export-descending = Largest first
export-layout = Page layout (PDF)
export-orientation = Orientation
export-portrait = Portrait
export-landscape = Landscape
export-logo = School logo
export-header = Header text
export-footer = Footer
export-in-background = Prepare in the background
export-launch = Start
export-template-confirm-delete = Delete this template? Files already made stay available.
export-preview = Preview
export-preview-first = first { $count } rows
export-preview-invalid = The template is not complete yet:

format-text = Text
format-upper = UPPERCASE
format-number = Number
format-xof = Amount in FCFA
format-decimal = Decimal
format-date = Date (24/11/2026)
format-iso = ISO date (2026-11-24)

dataset-students = Student list
dataset-balances = Account balances
dataset-payments = Payments
dataset-absences = Absences and lateness
dataset-averages = Averages of the period
dataset-unknown = Unknown data
billed = Billed
absence-kind = Kind
minutes = Minutes
absence-state = Justification

error-dataset = This data does not exist.
error-columns-none = Choose at least one column.
error-column-unknown = A chosen column does not exist in this data.
error-column-format = This format does not suit this column.
error-column-twice = A column is chosen twice.
error-period-required = Choose the period.
error-date-order = The end date is before the start date.
error-template-name-taken = Another template already has this name.
template-saved = Template saved.
template-deleted = Template deleted.
documents-saved = Document templates saved.

documents-letterhead = Official header
documents-letterhead-help = This block heads the bulletins and receipts. Leave a field empty for the usual text.
documents-country = Country
documents-motto = Motto
documents-ministry = Ministry
documents-signer-title = Certificates signed by (title)
documents-signer-name = Signer’s name
documents-region = Regional direction of education
documents-layouts = Document layouts
documents-layouts-help = For advanced users: the layout is written in Typst. The data available is described at the top of each template. A template can read only its data: no files, no network. A template with an error is not saved.
documents-bulletin-layout = Bulletin
documents-receipt-layout = Payment receipt
documents-own = the school's layout
documents-preview = Preview (PDF)
documents-reset = Back to Suku's template

class-list-title = Class list: { $class }

risk-level = Risk level

statement-family = Family statement of account
statement-balance-of = Balance of { $name }
statement-at = As at
statement-pdf = Statement of account (PDF)
statement-family-pdf = Family statement (PDF)
