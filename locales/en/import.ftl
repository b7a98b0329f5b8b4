## Imports

nav-import = Import
required = required
guardian = Guardian
import-students-title = Students and guardians
import-students-help = Import the list of students from an Excel (.xlsx) or CSV file, with one guardian per student. The file is first checked row by row: nothing is saved while a row has a problem, then everything is saved at once. Enrolled students are billed the tranches of their level.
import-columns = Columns understood (the first line of the file holds their titles, in any order):
import-template = Template to fill in:
import-file = File
import-check = Check the file
import-recent = Recent imports
import-rows = Rows
import-bad-rows = Rows with problems
import-confirmed = Import started
import-rejected = Refused (problems)
import-waiting = Checked, waiting for confirmation
import-none = No imports yet.
import-preview = Check
import-line = Line
import-problems = Problems
import-row-ok = Ready
import-all-good = { $count ->
    [one] The row is correct.
   *[other] All { $shown } rows are correct.
}
import-confirm = { $count ->
    [one] Import the student
   *[other] Import the { $shown } students
}
import-has-problems = { $bad ->
    [one] One row with problems out of { $rows }: nothing will be imported. Correct the file and send it again.
   *[other] { $bad } rows with problems out of { $rows }: nothing will be imported. Correct the file and send it again.
}
import-error-no-file = Choose a file.
import-error-format = This file is neither a CSV file nor a readable Excel workbook (.xlsx).
import-error-too-big = This file is too large: at most { $rows } lines and { $columns } filled columns.
import-error-empty = The file has no line of titles followed by at least one student row.
import-error-not-clean = This file has problems: it cannot be imported.
import-missing-column = Missing column: "{ $column }".
import-required = "{ $column }" is empty.
import-too-long = "{ $column }" is too long.
import-matricule-exists = Matricule { $matricule } already exists in the school.
import-matricule-twice = Matricule { $matricule } is already on line { $line }.
import-bad-sex = Unknown sex "{ $value }": write F or M.
import-bad-date = Unreadable birth date "{ $value }": write DD/MM/YYYY.
import-unknown-class = No class "{ $value }" this year.
import-bad-phone = Invalid phone "{ $value }": a Togolese number of 8 digits is needed.
import-bad-email = Invalid e-mail address "{ $value }".
import-guardian-contact = The guardian has neither a phone nor an e-mail.
import-bad-relationship = Unknown relationship "{ $value }": mother (mère), father (père) or guardian (tuteur).
import-col-matricule = Matricule
import-col-nom = Surname
import-col-prenoms = Given names
import-col-sexe = Sex
import-col-date_naissance = Birth date
import-col-lieu_naissance = Birth place
import-col-classe = Class
import-col-parent_nom = Guardian's surname
import-col-parent_prenoms = Guardian's given names
import-col-parent_telephone = Guardian's phone
import-col-parent_email = Guardian's e-mail
import-col-lien = Relationship
import-msg-writing = Saving { $count } students…
import-msg-done = { $students } students and { $guardians } new guardians saved, { $invoices } invoices written.
import-msg-conflict = Matricules were created since the check ({ $matricules }): nothing was imported. Check the file again.
import-see-students = See the students
import-again = Check again
job-kind-import-students = Student import
import-template-xlsx = Excel (.xlsx)
import-template-csv = CSV (semicolon-separated)
import-done = Imported
import-file-problems = The file cannot be checked row by row: first correct the column titles below.
import-future-date = Birth date "{ $value }" is in the future.
import-marks-title = Import the marks from a file
import-marks-help = An Excel or CSV file with a "Matricule" column and a "Note" column (on the evaluation's scale). The marks fill the column above without being saved: check them, then save.
import-marks-ready = { $count ->
    [one] One mark read from the file. Check it, then click "Save all marks".
   *[other] { $count } marks read from the file. Check them, then click "Save all marks".
}
import-marks-problems = The file was not taken: correct these lines and import it again.
import-marks-columns = A "Matricule" column and a "Note" column are needed.
import-marks-unknown = Line { $line }: no student of the class has matricule "{ $value }".
import-marks-twice = Line { $line }: matricule "{ $value }" is already above.
import-marks-bad = Line { $line }: mark "{ $value }" unreadable or off the scale (out of { $scale }, "abs" or "disp").
import-error-file-too-large = This file is over 5 MB: a list of students or a column of marks is far smaller. Save it without pictures or other sheets.
import-date-nonexistent = Date of birth: there is no such day as { $value }.
