## Suku: common texts, login, portals.

app-description = The school portal: marks, report cards, absences, school fees.
skip-to-content = Skip to content
nav-main = Main navigation
nav-home = Home
nav-my-classes = My classes
nav-my-children = My children
nav-dashboard = Dashboard
nav-students = Students
nav-classes = Classes
nav-guardians = Parents
nav-staff = Staff
nav-users = Accounts
nav-password = Password
logout = Log out
language = Language
switch-to-english = English
switch-to-french = Français
switch-to-role = Switch to { $role }
back-home = Back to the home page
retry = Try again
save = Save
saved = Changes saved.
colon = {": "}
you = you

portal-student = Student area
portal-teacher = Teacher area
portal-parent = Parents' area
portal-admin = Administration

role-student = student
role-teacher = teacher
role-parent = parent
role-director = director
role-bursar = bursar
role-secretary = secretary

## Login
login-title = Log in
login-intro = Log in with your e-mail address or your phone number.
login-kind = Log in with
login-by-telephone = Phone
login-by-email = E-mail
login-telephone = Phone number
login-email = E-mail address
login-telephone-help = For example: 90 12 34 56
login-email-help = For example: name@school.tg
login-password = Password
login-remember = Stay logged in on this device
login-submit = Log in
login-error-bad = Wrong login or password.
login-error-format = Enter an e-mail address or a Togolese phone number (+228 and 8 digits).
login-error-inactive = This account is deactivated. Please contact the school office.
login-error-no-role = This account has no role in the school. Please contact the school office.
login-error-locked-account = { $minutes ->
    [one] Too many attempts for this account. Try again in { $minutes } minute.
   *[other] Too many attempts for this account. Try again in { $minutes } minutes.
}
login-error-locked-ip = { $minutes ->
    [one] Too many attempts from this device. Try again in { $minutes } minute.
   *[other] Too many attempts from this device. Try again in { $minutes } minutes.
}

## Password
password-title = Change password
password-current = Current password
password-new = New password (at least 8 characters)
password-confirm = Confirm the new password
password-changed = Your password was changed. Your other sessions were closed.

## Errors
error-title-400 = Bad request
error-title-401 = Login required
error-title-403 = Access denied
error-title-404 = Page not found
error-title-413 = Upload too large
error-title-422 = Incomplete form
error-title-429 = Too many attempts
error-title-500 = Server error
error-title-503 = Service unavailable
error-not-found = This page does not exist or no longer exists.
error-forbidden = You do not have access to this page.
error-csrf = The form has expired. Reload the page and try again.
error-internal = Something went wrong on our side. Try again in a moment; if it persists, tell the school.
error-bad-request = The request is not valid.
error-too-large = The upload is too large.
error-required = This field is required.
error-too-long = This text is too long.
error-phone-format = Invalid number: 8 digits starting with 2, 7 or 9, for example 90 12 34 56.
error-phone-country = Only Togolese numbers (+228) are accepted.
error-email-format = Invalid e-mail address.
error-date-format = Invalid date (dd/mm/yyyy).
error-sex = Choose F or M.
error-password-short = The password must have at least 8 characters.
error-password-current = The current password is wrong.
error-password-confirm = The two passwords differ.

## Pages
pagination = Pages
page-prev = ← Previous
page-next = Next →
page-of = Page { $page } of { $pages }
results-count = { $count ->
    [0] No results
    [one] { $shown } result
   *[other] { $shown } results
}
offline-title = No connection
offline-text = You are offline. Pages you have already opened are still available; the others will show when the network is back.

## Portals
school-year = School year { $year }
class = Class
level = Level
room = Room
headcount = Number of students
head-teacher = Form teacher
you-are-head-teacher = You are the form teacher
matricule = Registration no.
name = Name
first-name = First name(s)
last-name = Surname
sex = Sex
sex-f = Girl
sex-m = Boy
birth-date = Date of birth
birth-place = Place of birth
subject = Subject
teacher = Teacher
phone = Phone
email = E-mail
roster = Class list
number-short = No.
teachers-of-class = Subjects and teachers
no-teachers = No teacher assigned yet.
not-enrolled = Not enrolled yet
student-no-record = Your account is not linked to a student record. Please contact the school office.
students-count = { $count ->
    [one] { $count } student
   *[other] { $count } students
}
no-classes = No classes.
back-to-classes = ← My classes
choose-child = Choose a child
guardians = Parents and guardians
relationship-pere = father
relationship-mere = mother
relationship-tuteur = guardian
no-children = No child is linked to your account. Please contact the school office.

## Gradebook
gradebook = Gradebook
gradebooks = My gradebooks
back-to-class = ← Back to { $class }
back-to-gradebook = ← Back to the gradebook
periods = Periods
period-trimestre = { $n ->
    [1] 1st term
    [2] 2nd term
    [3] 3rd term
   *[other] Term { $n }
}
period-semestre = { $n ->
    [1] 1st semester
   *[other] 2nd semester
}
closed = closed
marks-of-period = Marks of the period
average = Average
kind-devoir = Test
kind-interrogation = Quiz
kind-composition = End-of-term exam
kind-tp = Practical
no-evaluations = No evaluation in this period yet. Create the first one below.
evaluation-new = New evaluation
evaluation-kind = Kind
evaluation-title = Title
evaluation-title-placeholder = Test no. 1
evaluation-date = Date
evaluation-scale = Marked out of
evaluation-weight = Weight of the evaluation
evaluation-create = Create and enter marks
evaluation-created = Evaluation created: enter the marks.
marked-out-of = marked out of { $scale }
weight-n = weight { $weight }
mark-out-of = Mark out of { $scale }
mark-entry-help = Type the mark then Enter to go to the next student: each mark is saved at once. "abs" for absent, "disp" for excused. You can paste a column copied from a spreadsheet.
save-all-marks = Save all marks
marks-saved = Marks saved.
mark-saved = saved
error-mark-format = Unreadable mark: a number (12 or 12.5), "abs" or "disp".
error-mark-range = The mark must be between 0 and { $scale }.
error-period-closed = This period is closed: marks can no longer be changed. Corrections go through the administration.
error-not-in-class = This student is not in this class.
error-scale = A whole number from 1 to 100.
error-weight = A whole number from 1 to 10.
marks = Marks
average-so-far = average: { $average }
no-marks-yet = No marks yet for this period.
error-password-same = Choose a password different from the current one.
error-password-common = This password is too easy to guess. Choose another one.
password-must-change = Your password is temporary: choose a new one to continue.
error-date-future = This date is in the future.

## Report cards
nav-periods = Periods
bulletin = Report card
bulletins = Report cards
bulletin-title = Report card
bulletin-country = Togolese Republic
bulletin-motto = Work – Liberty – Fatherland
bulletin-not-published = Report card in preparation: families cannot see it yet.
coefficient-short = Coef.
weighted = Avg × coef.
rank = Rank
class-min = Min.
class-mean = Class avg
class-max = Max.
totals = Totals
general-average = Overall average
rank-in-class = Rank
class-general = Class averages (min · mean · max)
how-computed = How these averages are computed
signature-head-teacher = Form teacher
signature-director = Head of school
signature-parent = Parents' signature
print = Print
class-results = Results and report cards
mention = Distinction
ranked-count = { $count ->
    [one] { $count } student ranked
   *[other] { $count } students ranked
}
mention-congratulations = Congratulations
mention-encouragement = Encouragement
mention-honour-roll = Honour roll
mention-warning = Warning (work)
mention-reprimand = Reprimand (work)
see-bulletin = See the report card
period = Period
dates = Dates
period-state-open = open for marks
period-state-closed = closed
period-close = Close
period-reopen = Reopen
bulletins-state-draft = in preparation
bulletins-state-published = published
bulletins-publish = Publish
bulletins-withdraw = Withdraw
periods-help = Closing a period locks its marks; publishing its report cards shows them to students and parents.
confirm-close = Close this period? Teachers will no longer be able to change marks.
confirm-reopen = Reopen this period? Its report cards will be withdrawn.
period-closed = Period closed: marks are locked.
period-reopened = Period reopened.
bulletins-published = Report cards published: families can see them.
bulletins-withdrawn = Publication withdrawn.
error-publish-open-period = Close the period before publishing its report cards.
bulletins-prepare = Prepare the publication
bulletins-publish-go = Publish the report cards…
confirm-withdraw = Withdraw the publication? Families will no longer see these report cards; notices already sent remain.
publish-steps = Publishing, step by step
step-teachers = Teachers' marks, compositions and comments
step-teachers-help = In every class, each subject has a composition, a mark (or "abs", "disp") for every student in every evaluation, and the teacher's comment for every student. Teachers enter them while the period is open.
step-close = Closing the period
step-close-help = Teachers' marks and comments no longer change: the council works on the final averages.
step-council = Class council
step-council-help = The form teacher or the director records each student's conduct and the council's sheet. The council meets before publication: its sheet is locked once the report cards are published.
step-publish = Publication
step-publish-help = Students and parents see the report cards and are told.
classes-complete = Classes ready: { $done } of { $total }
readiness-title = Where each class stands
readiness-students = Students
readiness-marks = Marks
readiness-compositions = Compositions
readiness-appreciations = Comments
council-held = Held
council-not-held = Not held yet
readiness-ready = Ready
readiness-incomplete = To complete
readiness-missing-marks = Missing marks: { $subjects }
readiness-missing-compositions = No composition: { $subjects }
readiness-missing-appreciations = Missing comments: { $subjects }
readiness-empty = No class has enrolled students.
publish-confirm-title = Publish the report cards
publish-confirm-guardians = { $count ->
    [0] No parent or guardian will be told: no student of the year has a parent on record.
    [one] { $words } ({ $shown }) parent or guardian will be told.
   *[other] { $words } ({ $shown }) parents and guardians will be told.
}
publish-confirm-students = { $count ->
    [one] One student with an account of their own will be told too.
   *[other] { $shown } students with an account of their own will be told too.
}
publish-confirm-irreversible = Everyone gets the notice at once, as they chose (in the portal, by e-mail or on their phone). A notice sent cannot be taken back: withdrawing the publication later does not erase it.
publish-confirm-not-ready = { $count ->
    [one] Beware: one class is not ready:
   *[other] Beware: { $shown } classes are not ready:
}
publish-confirm = Confirm the publication
publish-cancel = Do not publish

## Attendance
roll-call = Take the roll
roll-call-help = Every student is present by default: tick only the absent and the late ones (with the minutes late).
roll-call-save = Save the roll call
roll-call-saved = Roll call saved.
roll-call-recent = Latest roll calls
no-roll-call = No roll call for this class yet.
date = Date
starts-at = Start time
session-minutes = Length of the session (minutes)
attendance-present = Present
attendance-absence = Absent
attendance-retard = Late
attendance-kind = Kind
late-minutes = Minutes late
minutes-short = min
absents-count = { $count ->
    [0] nobody absent
    [one] { $count } absent
   *[other] { $count } absent
}
lates-count = { $count ->
    [0] nobody late
    [one] { $count } late
   *[other] { $count } late
}
error-time-format = Invalid time (for example 07:00 or 14:30).
error-minutes = A number of minutes from 1 to 480.
error-late-minutes = Give the minutes late (1 to 240).
error-roll-call-taken = The roll for this session was already taken.
absences = Absences and lateness
hours-unjustified = { $hours ->
    [one] { $hours } hour unexcused
   *[other] { $hours } hours unexcused
}
hours-justified = { $hours ->
    [one] { $hours } hour excused
   *[other] { $hours } hours excused
}
justification-none = to be explained
justification-submitted = explanation sent
justification-accepted = excused
justification-refused = explanation refused
reason = Reason
reason-placeholder = Reason for the absence
justify = Explain
justification-sent = Explanation sent to the school.
error-justification-closed = This absence can no longer be explained.
no-absences = No absence or lateness in this period.
nav-absences = Absences
pending-help = Explanations sent by families, to accept or refuse.
decision = Decision
accept = Accept
refuse = Refuse
no-pending = No explanation waiting.
justification-accepted-flash = Explanation accepted.
justification-refused-flash = Explanation refused.

## Jobs and their progress
job-state-queued = Waiting
job-state-running = Running…
job-state-done = Done
job-state-failed = Failed
job-state-cancelled = Cancelled
job-progress = Progress
job-attempt = attempt { $n }
job-cancel = Cancel
job-cancel-asked = Cancellation asked.
job-failed-help = The work failed after several attempts. The error is in the server log; try again or contact the administrator.
job-kind-bulletins-school = Computing the school's bulletins
job-msg-class = Class { $class }…
job-msg-done-classes = { $count } classes computed.
school-results = School results
school-results-compute = Compute the results
school-results-see = See the results
school-results-computed = Computed on { $at }, from the marks at that time.
school-results-ranked = Students ranked
school-results-pass-rate = Average ≥ 10
school-results-honours = Honour roll
school-results-warnings = Warnings

## Announcements
nav-announcements = Announcements
announcement-new = New announcement
announcement-new-badge = new
no-announcements = No announcements yet.
announcement-audience = To
audience-school = The whole school
audience-level = Level
audience-class = Class
audience-staff = Staff only
announcement-level = Level (for "Level")
announcement-class = Class (for "Class")
announcement-title = Title
announcement-body = Text
announcement-publish = Publish
announcement-published = Announcement published.
announcement-help = An announcement to a class or a level goes to its students, their guardians and their teachers. You will see who has read it.
announcement-reads = Reading
announcement-read-by = { $total ->
    [one] Read by { $read } of { $total } recipient
   *[other] Read by { $read } of { $total } recipients
}
announcement-not-read = Not read yet by

## Council
appreciations = Appreciations
appreciation = Appreciation
appreciations-help = One short appreciation per student, printed on the bulletin next to your subject. Type the first letters to pick a phrase, or write your own. Each appreciation is saved as soon as you stop typing; the Save button saves the whole column.
appreciations-saved = Appreciations saved.
appreciation-saved = saved
appreciation-saving = saving…
appreciation-retrying = not saved yet, trying again…
appreciation-excellent = Excellent work
appreciation-tres-bien = Very good work
appreciation-bien = Good work
appreciation-assez-bien = Fairly good
appreciation-passable = Fair
appreciation-insuffisant = Not enough work
appreciation-peut-mieux = Could do better
appreciation-irregulier = Uneven work
appreciation-ressaisir = Must pull themself together
council = Class council
council-help = The form teacher and the director prepare the council here: conduct mark, the form teacher's appreciation, the council's appreciation and, in the last term, the end-of-year decision (proposed from the annual average). Everything is saved at once; the sheet closes when the bulletins are published.
council-saved = Council sheet saved.
conduct = Conduct
head-note = Form teacher's appreciation
council-note = Council's appreciation
annual-average = Annual average
annual-results = Annual results
annual-help = The annual average is the mean of the term averages. The proposed decision is "moves up" from 10, "repeats" below; the council decides.
decision-proposed = Proposal
decision-passe = Moves up
decision-redouble = Repeats the year
decision-exclu = Excluded
students-ranked = { $count ->
    [one] { $count } student ranked
   *[other] { $count } students ranked
}
error-council-published = This period's bulletins are published: the council sheet can no longer change.
group-subtotal = Subtotal: { $group }
justification-photo = Photo of the note (optional)
justification-photo-see = Photo of the note
error-photo-type = The photo must be a JPEG, PNG or WebP image.
see-all = See all
note-absence = Note an absence or a lateness
note-absence-help = For the surveillant: a lateness at the gate, or an absence seen outside a teacher's roll call. The teacher's roll call of the same hour takes these notes over.
note-absence-submit = Note it
absence-noted = Noted for { $name }.
error-matricule-unknown = No enrolled student has this matricule.
error-already-noted = This student is already noted for this hour.
mark-saving = saving…
mark-retrying = not saved yet, trying again…
nav-menu = Menu
nav-shortcuts = Shortcuts
close = Close
roll-call-tap-help = Tap a student's name to move them from present to absent, then late.
mark-absent = Absent
mark-excused = Excused
error-date-nonexistent = There is no such day as { $date }.
pending-title = Explanations waiting
pending-count = { $count ->
    [0] None waiting
   *[other] { $shown } waiting
}
reason-given = Reason given:
matricule-suggested-help = The school's next registration number is suggested; you may change it.
login-forgot = Forgotten password?
login-show-password = Show the password
reset-title = Forgotten password
reset-intro = Enter your phone number or e-mail address: we send you a 6-digit code by text message (or by e-mail), valid for 10 minutes.
reset-login = Phone or e-mail
reset-send = Get a code
reset-have-code = I already have a code
reset-back = Back to login
reset-no-phone = No phone or e-mail on record? The school office gives you a reset slip.
reset-sent = If an account matches, a code has just been sent. It is valid for 10 minutes.
reset-code-title = Choose a new password
reset-code-intro = Enter the code you got by text message, by e-mail or on the office's slip, then your new password.
reset-code = 6-digit code
reset-save = Save the new password
reset-new-code = Get a new code
reset-done = Your password has been changed. All your sessions were closed: please log in.
reset-error-code = Wrong or expired code.
reset-error-code-format = The code has 6 digits.
reset-error-limited = { $minutes ->
    [one] Too many requests: try again in { $minutes } minute.
   *[other] Too many requests: try again in { $minutes } minutes.
}
reset-code-text = { $school }: your code to change your password is { $code }. Valid for { $delay } minutes. Do not give it to anyone.
reset-code-subject = { $school }: your reset code
slip-title = Password reset slip
slip-help = For someone who forgot their password and has no phone or e-mail on record: the slip carries a code valid for 48 hours.
slip-make = Print a slip
slip-until = Valid until
slip-step-open = Open { $address } on a phone or a computer.
slip-step-code = Enter your phone or e-mail, the code above and a new password.
slip-step-keep = Keep this slip to yourself: whoever reads it can change your password.
whatsapp-write = Write on WhatsApp
marks-class-spread = Class: mean { $mean } · lowest { $min } · highest { $max }
gradebook-mean = Class mean
gradebook-min = Lowest mark
gradebook-max = Highest mark
whatsapp = WhatsApp
nav-family = My family
family-title = My family at a glance
family-total-due = Left to pay for the whole family: { $amount }
family-average = General average of the term (so far)
family-absences = Absences this month
family-fees = School fees
family-paid-up = paid up
family-next = Next homework
family-open = See the details
family-pay = Pay
nav-entry = Marks entry
entry-title = Marks entry follow-up
entry-help = For each class and subject of the period: the evaluations where every student has a mark, the composition, the appreciations written. A late line can be sent to its teacher as a reminder.
entry-evaluations = Complete evaluations
entry-composition = Composition
entry-appreciations = Appreciations
entry-missing = missing
entry-remind = Remind the teacher
entry-class-done = entry complete
entry-no-classes = No class with students for this period.
entry-reminded = Reminder sent to { $teacher }.
notif-marks-awaited = The marks and appreciations of { $subject } in { $class } are awaited before the class council.
general-so-far = Overall average so far
general-so-far-help = subject averages weighted by their coefficients; the report card is what counts.
evaluation-copy-title = Copy to other classes
evaluation-copy-help = The same test (kind, title, day, scale and weight) in your other classes of this subject; each copy has its own column of marks.
evaluation-copy-button = Copy
evaluation-copy-none = Tick at least one class.
evaluation-copied = { $count ->
    [one] Evaluation copied to { $count } class.
   *[other] Evaluation copied to { $count } classes.
}
entry-preview-bulletins = Preview the report cards (PDF)
