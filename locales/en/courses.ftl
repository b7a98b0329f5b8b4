# Online courses (e-learning)
nav-courses = Online courses
course-mine = My online courses
course-mine-help = One course per class and subject: modules, lessons written in Markdown, files. Students only see what is published and open.
course-no-teaching = No class is assigned to you this year.
course-new-title = New course
course-title-example = E.g. Rational numbers – first term
course-create = Create the course
course-created = Course created. Add a first module to it.
course-saved = Course saved.
course-deleted = Course deleted.
course-as-student = Student view
course-progress = Class progress
course-progress-help = ✔ lesson completed · ○ lesson opened, not completed yet. Only published lessons count.
course-progress-total = Completed
course-completed-by = Students who completed
course-about = About
course-title = Course title
course-summary = Summary (Markdown)
course-modules = Modules and lessons
course-module-title = Module title
course-module-example = E.g. Chapter 1 – Fractions
course-module-settings = Module settings
course-module-added = Module added.
course-module-deleted = Module deleted with its lessons.
course-module-delete = Delete the module
course-module-delete-confirm = Delete this module and all its lessons? Students' progress in them will be lost.
course-add-module = Add a module
course-add = Add
course-add-lesson = Add a lesson
course-edit-lesson = Edit the lesson
course-edit = Edit the course
course-no-module = No module yet.
course-no-lesson = No lesson yet.
course-published = Published
course-publish = Publish (visible to students)
course-available-from = Open from
course-opens = opens on { $date }
course-move-up = Move “{ $name }” up
course-move-down = Move “{ $name }” down
course-copy = Copy the course
course-copy-help = The course is copied with its modules, lessons and their files, as a draft: publish it when the class is ready.
course-copy-none = You teach this subject in no other class this year or next.
course-copy-action = Copy
course-copied = Course copied as a draft.
course-error-copy-target = Choose a class where you teach this subject.
course-delete = Delete the course
course-delete-confirm = Delete this course, its modules, lessons and the students' progress?
course-lesson-title = Lesson title
course-lesson-example = E.g. Adding fractions
course-lesson-body = Content
course-markdown-help = Markdown: **bold**, *italic*, # heading, - list, | table |, [link](https://…). The preview updates as you type.
course-preview = Preview
course-prerequisite = Lesson to complete first
course-prerequisite-none = None
course-error-prerequisite = Choose another lesson of this course, one that does not already wait for this one.
course-lesson-file = Attached file (image or PDF)
course-lesson-saved = Lesson saved.
course-lesson-deleted = Lesson deleted.
course-lesson-delete = Delete the lesson
course-lesson-delete-confirm = Delete this lesson?
course-files = Files
course-lesson-nav = Lessons of the course
course-prev = Previous
course-next = Next
course-complete = I have finished this lesson
course-lesson-completed = Lesson completed. Well done!
course-state-draft = Draft
course-state-locked = Locked
course-state-new = To do
course-state-viewed = Started
course-state-completed = Completed
course-lock-until = This lesson opens on { $date }.
course-lock-after = First complete the lesson “{ $lesson }”.
course-lock-draft = Draft: students do not see this lesson yet.
course-my-courses = My online courses
course-child-courses = Online courses
course-none-yet = No online course is published for this class yet.
course-empty = This course has no published lesson yet.
course-percent = { $pct }% completed
course-done-of = { $done } of { $open } lesson(s) completed
course-continue = Continue: { $lesson }
course-next-is = Next lesson: { $lesson }
course-details = Lessons in detail

# Quiz
quiz-title = Quiz
quiz-manage = Quiz questions and results
quiz-score = { $score } / { $max } ({ $twenty }/20)
quiz-in-progress = in progress
quiz-true = True
quiz-false = False
quiz-deadline = Hand in before { $time }.
quiz-saved-at = Answers saved at { $time }
quiz-submitted = Quiz handed in. Here are your results.
quiz-submitted-late = Time is up: only the answers saved before the end count.
quiz-reviewed = Review saved.
quiz-error-empty = This quiz has no question yet.
quiz-error-no-attempt-left = You have used all your attempts.
quiz-error-time-up = Time is up: this answer no longer counts.
quiz-error-not-submitted = This attempt is not handed in yet.
quiz-error-percent = Give a share of the points between 0 and 100.
quiz-error-points = Between 1 and 100 points.
quiz-error-choices = Write 2 to 12 choices, one per line.
quiz-error-one-right = Mark exactly one right answer with a * at the start of its line.
quiz-error-some-right = Mark at least one right answer with a * at the start of its line.
quiz-error-true-false = Choose True or False.
quiz-error-answers = Write 1 to 12 accepted answers, one per line.
quiz-error-number = Write a number, for example 3.14.
quiz-error-pairs = Write 2 to 12 “left = right” pairs, one per line.
quiz-error-items = Write 2 to 12 items, one per line.
quiz-error-kind = Unknown kind of question.
quiz-error-time-limit = A duration between 1 and 600 minutes, or nothing.
quiz-error-attempts = Between 1 and 20 attempts.
quiz-error-review-first = First review the answers waiting for it.
course-error-no-period = No period is open to receive the mark.
course-error-period-closed = The period is closed: the mark can no longer change.
quiz-kind = Kind of question
quiz-kind-single = Single choice
quiz-kind-multiple = Multiple choice
quiz-kind-true_false = True or false
quiz-kind-short = Short answer
quiz-kind-numeric = Numeric
quiz-kind-matching = Matching
quiz-kind-ordering = Ordering
quiz-help-single = Choices, one per line; * before the right answer; “| comment” after a choice to explain it
quiz-help-multiple = Choices, one per line; * before each right answer; “| comment” after a choice to explain it
quiz-help-true_false = The right answer
quiz-help-short = Accepted answers, one per line (case, accents and final punctuation do not count)
quiz-help-numeric = The expected value and the tolerance
quiz-help-matching = “left = right” pairs, one per line (the right items will be shuffled)
quiz-help-ordering = Items in the right order, one per line (they will be shuffled)
quiz-question-added = Question added to the bank.
quiz-saved = Quiz settings saved.
quiz-evaluation-title = Quiz: { $lesson }
quiz-sent-to-gradebook = { $count ->
    [one] One mark sent to the gradebook.
   *[other] { $count } marks sent to the gradebook.
}
quiz-questions-count = { $count ->
    [0] No question
    [one] One question
   *[other] { $count } questions
}
quiz-time-limit-minutes = { $count ->
    [one] Time: 1 minute
   *[other] Time: { $count } minutes
}
quiz-attempts-allowed = { $count ->
    [one] One attempt
   *[other] { $count } attempts
}
quiz-points = { $count ->
    [one] 1 point
   *[other] { $count } points
}
quiz-bank-count = { $count ->
    [0] The bank is empty
    [one] One question in the bank
   *[other] { $count } questions in the bank
}
quiz-attempt-n = Attempt { $n }
quiz-question-n = Question { $n }
quiz-to-review = to review
quiz-review = Review
quiz-resume = Resume the attempt under way
quiz-start = Start the quiz
quiz-start-again = New attempt
quiz-no-attempt-left = No attempt left.
quiz-several = Several answers possible.
quiz-your-answer = Your answer
quiz-order-help = Give each item its place (1 = the first).
quiz-submit = Hand in the quiz
quiz-submit-confirm = Hand in the quiz? You will not be able to change your answers.
quiz-review-pending = some answers wait for the teacher's review
quiz-expected = Expected answer
quiz-feedback = Comment
quiz-review-percent = Share of the points given (%)
quiz-review-save = Save the review
quiz-back-to-lesson = Back to the lesson
quiz-bank = Question bank
quiz-new-question = New question
quiz-prompt = Question (Markdown)
quiz-value = Expected value
quiz-tolerance = Tolerance
quiz-points-label = Points
quiz-feedback-label = Comment shown after the answer
quiz-add-question = Add to the bank
quiz-settings = Settings
quiz-time-limit = Time (minutes)
quiz-no-limit = no limit
quiz-attempts = Attempts
quiz-shuffle = Shuffle questions and choices
quiz-remove = Remove from the quiz
quiz-from-bank = Add from the subject's bank
quiz-bank-empty = This subject's bank is empty: start by writing questions in it.
quiz-add-selected = Add the ticked questions
quiz-open-bank = Open the question bank
quiz-results = Class results
quiz-to-gradebook = Send to the gradebook
quiz-update-gradebook = Update the gradebook
quiz-best = Best mark /20
course-outline = Course outline

# Online assignments
assignment-title = Assignment
assignment-manage = Assignment: settings and submissions
assignment-due = Due before { $at }
assignment-due-at = Due before
assignment-policy-accept = Late work is accepted.
assignment-policy-penalty = Late work is accepted with a penalty.
assignment-policy-refuse = No work is accepted after the time.
assignment-late-policy = Work handed in late
assignment-penalty = Penalty per day late (%)
assignment-accepts = Students may hand in
assignment-accepts-text = a text
assignment-accepts-files = files (PDF or a photo of the copy)
assignment-rubric = Rubric
assignment-rubric-example = Reasoning: 8
assignment-not-handed-in = Not handed in yet.
assignment-handed-in = Handed in on { $at }.
assignment-handed-in-late = Handed in on { $at }, { $days } day(s) late.
assignment-marked = marked { $mark }/20
assignment-hand-in = Hand in my work
assignment-see-work = See my work
assignment-change = Change my work
assignment-text = My text
assignment-file = Add a file (PDF or photo, 3 at most)
assignment-send = Send
assignment-my-files = My files
assignment-feedback = Feedback
assignment-handed-in-flash = Work handed in.
course-assignment-saved = Assignment saved.
assignment-graded = Mark saved.
assignment-state = Where it stands
assignment-grade = Mark
assignment-regrade = Review the mark
assignment-work = Work handed in
assignment-no-text = No text: see the files.
assignment-save-grade = Save the mark
assignment-evaluation-title = Assignment: { $lesson }
assignment-handed-count = { $n } of { $of } handed in
assignment-error-marked = This work is already marked: it can no longer change.
assignment-error-closed = The time has passed: this assignment no longer takes work.
assignment-error-no-text = This assignment takes files only.
assignment-error-no-files = This assignment takes text only.
assignment-error-too-many-files = Three files at most.
assignment-error-empty = Write a text or attach a file.
assignment-error-due = Give the day and time it is due.
assignment-error-policy = Choose what happens to late work.
assignment-error-penalty = A penalty between 0 and 100%.
assignment-error-rubric = One criterion per line, “Name: points” (1 to 100 points, 12 criteria at most).
assignment-error-nothing-accepted = Accept at least a text or files.
assignment-error-score = Between 0 and { $max } points.
todo-assignment = Online assignment
notif-assignment-due = Assignment “{ $title }” due before { $due }.
course-pdf = Download as PDF
course-pdf-printed = Printed on { $date }
