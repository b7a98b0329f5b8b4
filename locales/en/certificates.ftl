# School documents: certificates, attestations, exeats, student cards, exam lists.
doc-title = School documents
doc-kind = Document
doc-kind-scolarite = Certificate of attendance
doc-kind-inscription = Certificate of enrolment
doc-kind-exeat = Exeat (leaving certificate)
doc-kind-carte = Student card
doc-number = No.
doc-issued-on = Issued on
doc-state = State
doc-valid = Valid
doc-cancelled = Cancelled
doc-none = No document issued.
doc-print = Print
doc-cancel = Cancel
doc-cancel-reason = Reason for cancelling
doc-cancelled-saved = The document is cancelled; its verification page says so.
doc-issued-list = Documents issued
doc-issue = Issue a document
doc-issue-button = Issue
doc-issued = { $kind } no. { $number } issued. Print it from the list.
doc-exeat-help = For an exeat, give the day the student left and the reason; the new school is optional.
doc-exeat-balance = { $amount } is still due on the student’s account.
doc-left-on = Day of leaving
doc-detail-reason = Reason
doc-detail-destination = New school
doc-reason-move = The parents moved
doc-reason-parents = At the parents’ request
doc-reason-transfer = Transfer to another school
doc-photo = Identity photo
doc-photo-of = Photo of { $name }
doc-no-photo = No photo yet: the student card shows an empty frame.
doc-photo-take = Photo (camera or file)
doc-photo-save = Save the photo
doc-photo-help = JPEG, PNG or WebP, 10 MB at most. It is cropped to 3 × 4.
doc-photo-saved = Photo saved.
doc-desk-title = School documents
doc-desk-help = Certificates, attestations and student cards for a whole class, in one PDF to print; the exam candidate lists; the register of everything issued.
doc-desk-issued = Issued this year
doc-desk-classes = For a whole class
doc-desk-print-button = Prepare the PDF
doc-class-empty = This class has no students.
doc-desk-exams = Exam candidate lists
doc-candidates = { $count ->
    [one] { $count } candidate
   *[other] { $count } candidates
}
doc-candidates-missing = { $count ->
    [one] { $count } without a date or place of birth
   *[other] { $count } without a date or place of birth
}
doc-no-exams = No exam class this year.
doc-register = Register of documents
doc-register-search = Number, name or matricule
doc-verify-title = Document verification
doc-verify-valid = Authentic document, issued by { $school }.
doc-verify-cancelled = This document was cancelled on { $date } ({ $reason }). It is no longer valid.
doc-verify-expired = This card is no longer valid: it is from another year, or the student has left the school.
doc-verify-unknown = No document matches this code. The school did not issue it, or the address was changed.
error-doc-not-enrolled = The student is in no class this year.
error-doc-left-future = The day of leaving cannot be in the future.
error-photo-too-large = The photo is too large (10 MB and 8,000 pixels a side at most).
error-photo-broken = This image file cannot be read.
error-photo-missing = Choose a photo.
job-kind-documents-class = A class’s documents
job-msg-doc-student = { $name }…
job-msg-doc-printing = Laying out { $count } documents…
# On paper.
doc-title-scolarite = CERTIFICATE OF SCHOOL ATTENDANCE
doc-title-inscription = CERTIFICATE OF ENROLMENT
doc-title-exeat = EXEAT
doc-signer-default = The Head
doc-born = , born on { $date } in { $place }
doc-born-date = , born on { $date }
doc-body-scolarite = { $role } of { $school } certifies that the student { $name }{ $born }, matricule { $matricule }, is enrolled in { $class } for the school year { $year } and attends classes regularly.
doc-body-inscription = { $role } of { $school } attests that the student { $name }{ $born }, matricule { $matricule }, is duly enrolled at the school in { $class } for the school year { $year }.
doc-body-exeat = { $role } of { $school } certifies that the student { $name }{ $born }, matricule { $matricule }, enrolled in { $class } for the school year { $year }, left the school on { $left }.
doc-closing-scolarite = This certificate is issued to serve whatever purpose it may.
doc-closing-inscription = This attestation is issued to serve whatever purpose it may.
doc-closing-exeat = This exeat is issued so that the student may continue their schooling at the school of their choice.
doc-place-date = Done at { $city }, on { $date }
doc-verify-qr = Scan this code to check that the document is authentic.
doc-cancelled-notice = CANCELLED on { $date }: { $reason }
doc-card-title = Student card
doc-card-year = Year
doc-card-born = Born on
doc-card-class = Class
doc-card-matricule = Matricule
doc-card-no-photo = Photo
doc-card-cancelled = CANCELLED
# Exam lists.
exam-cepd = CEPD
exam-bepc = BEPC
exam-bac1 = BAC I
exam-bac2 = BAC II
exam-list-title = { $exam } candidates — { $year }
exam-col-no = No.
exam-col-serie = Série
exam-col-school = School
# Journal.
entity-school_document = School document
action-issue = issued
audit-school_document-issue = { $actor } issued { $kind } no. { $number } to { $student }.
audit-school_document-cancel = { $actor } cancelled { $kind } no. { $number } of { $student }.
doc-link = Documents and card
nav-documents = School documents
doc-students-count = { $count ->
    [one] { $count } student
   *[other] { $count } students
}
doc-desk-print-help = Each student gets their number; the PDF is prepared in the background, with a bar showing how far it got.
doc-card-found = Found this card? Please return it to the school
doc-card-signature = The Head
job-msg-doc-done = { $count ->
    [one] { $count } document ready to print.
   *[other] { $count } documents ready to print.
}
