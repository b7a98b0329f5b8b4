# Lesson log and homework
nav-todo = Homework
nav-lesson-log = Lesson logs
lesson-log = Lesson log
lesson-log-recent = Lesson log of the last two weeks
lesson-new = New lesson
lesson-edit = Edit the lesson
lesson-edit-action = Edit
lesson-cancel = Cancel
lesson-date = Lesson date
lesson-title = Title
lesson-title-example = E.g. Chapter 4 – Derivatives
lesson-content = What was done
lesson-homework = Homework
lesson-homework-example = E.g. Exercises 12 to 15 page 84
lesson-due = Due on
lesson-file = Attachment (image or PDF)
lesson-copy-to = Also copy to my other classes of the same level
lesson-entries = Logged lessons
lesson-homework-for = Due on
lesson-delete-confirm = Delete this lesson and its homework?
lesson-none = No lesson logged.
lesson-saved = { $count ->
    [one] Lesson saved.
   *[other] Lesson saved in { $count } classes.
}
lesson-updated = Lesson updated.
lesson-deleted = Lesson deleted.
lesson-error-far-date = The date must be within a year from today.
lesson-error-due-before = Homework cannot be due before the lesson.
lesson-error-instructions = Write the homework, or leave the date empty.
lesson-error-due = Say when the homework is due.
lesson-error-file-type = Only images and PDF files are accepted.
lesson-status = Lesson logs
lesson-status-behind = { $count ->
    [0] Every log is up to date.
    [one] { $count } log is behind (no lesson for more than 10 days).
   *[other] { $count } logs are behind (no lesson for more than 10 days).
}
lesson-status-since = Lessons logged since { $date }
lesson-last = Last lesson
lesson-recent = Lessons (14 days)
lesson-days-ago = { $count ->
    [0] today
    [one] { $count } day ago
   *[other] { $count } days ago
}
lesson-never = Never filled in
lesson-behind = Behind
todo-title = Homework
todo-homework = Homework
todo-see-lesson = See the lesson
todo-nothing = Nothing due in the next three weeks.
todo-next = Coming up
todo-nothing-week = Nothing due this week.
