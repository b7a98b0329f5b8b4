# Success prediction: the trained model, its predictions, the alerts and the follow-up.

nav-prediction = Success prediction
ml-title = Success prediction
ml-train-now = Train now
ml-model-see = See the model
ml-help = The model learns from the school's history (past years, term by term) which students ended up failing. Every model is evaluated by cross-validation: a student is never both in the training data and in the evaluation data. The best one becomes the school's model.
ml-history-rows = History available: { $rows } student-years
ml-history-imported = of which { $rows } imported from a spreadsheet
ml-current-model = Model in use: version { $version }
ml-trained-at = Trained on
ml-chosen = Chosen model
ml-data = Data
ml-data-size = { $rows } rows, { $students } students
ml-size = Size
ml-kb = { $kb } KB
ml-label = What counts as success
ml-label-decision = The council's decision (passes), else the annual average
ml-label-average = The annual average at the pass mark or above
ml-features-used = What the model uses
ml-sensitive-used = Sensitive attributes used
ml-sensitive-none = none
ml-metrics-caption = Quality measured by cross-validation (folds by student)
ml-model = Model
ml-accuracy = Accuracy
ml-balanced-accuracy = Balanced accuracy
ml-auc = AUC
ml-auc-percent = AUC (× 100)
ml-rows = Rows
ml-confusion = Confusion matrix of the chosen model
ml-predicted-fail = Predicted: fails
ml-predicted-pass = Predicted: passes
ml-actual-fail = Actual: failed
ml-actual-pass = Actual: passed
ml-confusion-help = In green, the students classified right; in red, those the model got wrong.
ml-no-model = No model is trained yet: the list of students at risk uses the simple index (average, fall, absences, missed evaluations).
ml-settings = Prediction settings
ml-alert-at = Alert threshold (risk of failing, %)
ml-retrain-days = Train again every … days (0: on demand only)
ml-sensitive = Sensitive attributes
ml-sensitive-help = Off by default. Turned on, the model may use them; the page says so.
ml-families = Families
ml-parents-see = Parents see their child's prediction
ml-parents-alerted = Parents receive the alerts too
ml-versions = Model versions
ml-version = Version
ml-chart-metrics = Models compared
ml-chart-reliability = Reliability of the probabilities (chosen model, calibrated)
ml-predicted = Predicted probability
ml-observed = Observed success
ml-bin = Band
ml-model-logistic_regression = Regularised logistic regression
ml-model-gradient_boosting = Gradient-boosted trees
ml-model-majority_baseline = Baseline: always the most frequent outcome
ml-model-handmade_index = Former simple index
ml-feature-stage = Periods elapsed
ml-feature-avg_p1 = First term average
ml-feature-rank_p1 = First term rank
ml-feature-avg_last = Latest period average
ml-feature-trend = Change of the average
ml-feature-avg_litteraires = Humanities average
ml-feature-avg_scientifiques = Sciences average
ml-feature-absence_unjustified_h = Hours of unexcused absence
ml-feature-absence_justified_h = Hours of excused absence
ml-feature-lateness = Latenesses
ml-feature-missed_evaluations = Missed evaluations
ml-feature-repeats = Repeated years
ml-feature-age_gap = Age gap for the level
ml-feature-sex = Sex
ml-feature-guardians = Guardians
ml-feature-fees_paid = Share of fees paid
ml-feature-other = Other
ml-reason-stage = { $value } period(s) elapsed
ml-reason-avg_p1 = first term average { $value }
ml-reason-rank_p1 = in the first term, { $part ->
    [last] in the bottom quarter of the class
    [second] in the lower half of the class
   *[first] in the upper half of the class
}
ml-reason-avg_last = latest period average { $value }
ml-reason-trend = { $up ->
    [yes] up
   *[no] down
} { $value } points since the previous period
ml-reason-avg_litteraires = humanities average { $value }
ml-reason-avg_scientifiques = sciences average { $value }
ml-reason-absence_unjustified_h = { $value } h of unexcused absence
ml-reason-absence_justified_h = { $value } h of excused absence
ml-reason-lateness = { $value ->
    [one] { $value } lateness
   *[other] { $value } latenesses
}
ml-reason-missed_evaluations = { $value ->
    [one] { $value } missed evaluation
   *[other] { $value } missed evaluations
}
ml-reason-repeats = { $value ->
    [0] no repeated year at this level
    [one] already repeated this level once
   *[other] repeated this level { $value } times
}
ml-reason-age_gap = { $older ->
    [yes] { $value } year(s) older
   *[no] { $value } year(s) younger
} than usual for the level
ml-reason-sex = sex: { $value }
ml-reason-guardians = { $value } guardian(s) on record
ml-reason-fees_paid = { $value } % of fees paid
ml-reason-other = another factor
ml-risk-probability = Risk of failing
ml-risk-help = The probability of failing the year estimated by the school's model, trained on its past years, with the factors that weigh most for each student. It is a prompt to talk, not a judgement.
ml-probability = Estimated risk of failing the year: { $percent } %
ml-family-help = This is an estimate drawn from past years' results, not a judgement. Talk with the form teacher: a meeting can be arranged through the messages.
ml-error-alert-at = Give a threshold between 5 and 95 %.
ml-error-retrain-days = Give a number of days between 0 and 365.
ml-error-parents = Parents can be alerted only if they see the prediction.
ml-error-too-little-history = The history is too short to train a model: it needs at least { $rows } student-years with their outcome (past years or an import).
ml-error-one-outcome = The history holds a single outcome (all passed or all failed): nothing to learn.
ml-error-date = Give a date in the past or today.
ml-error-action = Choose what was done from the list.
ml-settings-saved = Prediction settings saved.
ml-intervention-saved = Follow-up recorded.
job-kind-prediction-train = Training the prediction model
job-msg-ml-reading = Reading the history…
job-msg-ml-training = Cross-validating the models…
notif-risk-raised = { $student } ({ $class }) crossed the alert threshold: estimated risk of failing { $percent } %.
notif-risk-raised-parent = The school estimates that { $student } may fail this year ({ $percent } %). Please arrange a meeting with the form teacher.
ml-followup = Follow-up of the student
ml-followup-periods = This year's averages
ml-period-n = Period { $n }
ml-alerts = Alerts
ml-alert-cleared = fell back under the threshold on { $date }
ml-interventions = Actions taken
ml-no-intervention = No action recorded.
ml-done-on = Date
ml-action = Action
ml-action-entretien_eleve = Talk with the student
ml-action-rencontre_parents = Meeting with the parents
ml-action-tutorat = Peer tutoring
ml-action-soutien = Remedial lessons
ml-action-orientation = Guidance counsellor
ml-action-autre = Other
ml-note = Note
ml-intervention-add = Record
ml-csv-unreadable = Cannot read the file: { $error }
ml-csv-at = line { $line }, column “{ $column }”: { $what }
ml-csv-at-line = line { $line }: { $what }
ml-csv-at-column = column “{ $column }”: { $what }
ml-csv-no-target = this column is not in the header
ml-csv-unknown-column = this column to drop is not in the header
ml-csv-row-length = { $found } cells for { $expected } columns
ml-csv-target-missing = the result is empty
ml-csv-target-not-number = “{ $value }” is not a number
ml-csv-too-many-levels = { $levels } different values: probably an identifier or a name, drop it with --drop
ml-csv-no-features = no column is left to predict from
ml-csv-too-few-rows = only { $rows } rows: at least 10 are needed
ml-csv-one-class = every result is on the same side of the pass mark: nothing to predict

ml-import-title = Import past years
ml-import-link = Import past years (spreadsheet)
ml-import-help = A CSV or XLSX file, one row per student and year: their number, averages, absences… and the year's outcome (the annual average or the decision). After the upload you say which column is which; nothing is saved until the whole table reads.
ml-import-read = Read the file
ml-import-remove = Take out of the history
ml-import-removed = The rows of this import were taken out of the history.
ml-import-saved = { $rows } rows added to the history
ml-import-waiting = Waiting for the column mapping
ml-import-rows-count = { $rows } rows in the file.
ml-import-problems = The table does not read yet: correct the file or the column mapping.
ml-import-sample = First rows
ml-import-line = Line
ml-import-mapping = Column mapping
ml-import-mapping-help = Each list offers the file's columns; recognised titles are already chosen. Leave “none” for what the file does not have.
ml-import-who = The student and their outcome
ml-import-student = Student (number or name)
ml-import-year = School year
ml-import-outcome = The year's outcome (annual average or decision)
ml-import-none = (none)
ml-import-pass-mark-label = Pass mark (out of 20)
ml-import-go = Import
ml-import-need-student = Choose the student's column.
ml-import-need-outcome = Choose the column of the year's outcome.
ml-import-pass-mark = Give a pass mark between 0 and 20.
ml-import-empty = the student is missing
ml-import-outcome-unknown = “{ $value }” is neither an average nor a decision (passes, repeats, excluded…)
ml-import-done = This file is imported already.
ml-training-pending = A training is already under way: the model will be up to date in a moment.
