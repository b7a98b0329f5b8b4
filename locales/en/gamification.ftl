## Gamification: points, levels, badges, leaderboards, challenges

nav-progress = My progress
nav-boards = Leaderboards
nav-challenges = Challenges
nav-gamification = Points and badges

gam-progress = Progress
gam-summary = Summary
gam-points = points
gam-points-total = Points
gam-points-week = { $n } this week
gam-this-week = This week
gam-level = Level
gam-to-next-level = Towards the next level
gam-next-level-at = Next level at { $n } points
gam-top-level = Highest level reached
gam-class-rank = Rank in class (term)
gam-rank-of = of { $n }
gam-tied = tied
gam-to-improve = To improve
gam-to-improve-help = This term; seen only by the student, their family and their teachers.
gam-badges = Badges
gam-no-badges = No badge yet.
gam-all-badges = All badges and how to earn them
gam-history = Points history
gam-what = For
gam-by = By
gam-automatic = Automatic
gam-no-history = No points yet.
gam-revoke = Cancel
gam-revoke-reason = Reason for cancelling
gam-revoked = Award cancelled.
gam-revoked-line = Cancelled
gam-already-revoked = This award is already cancelled.
gam-source-behaviour = Behaviour
gam-source-challenge = Challenge won
gam-source-hand = Award
gam-privacy = Privacy
gam-privacy-on = Your name is hidden on the leaderboards other students see ("Anonymous student"). Your teachers and your family always see your rank.
gam-privacy-off = Your name shows on the school's leaderboards.
gam-privacy-hide = Hide my name
gam-privacy-show = Show my name
gam-privacy-hidden = The name is now hidden on leaderboards.
gam-privacy-shown = The name shows on leaderboards again.
gam-anonymous = Anonymous student

gam-level-1 = Apprentice
gam-level-2 = Explorer
gam-level-3 = Builder
gam-level-4 = Scholar
gam-level-5 = Expert
gam-level-6 = Master

gam-rule-mark_high = Very good mark
gam-rule-mark_high-help = A mark at or above the threshold (out of 20).
gam-rule-average_up = Average going up
gam-rule-average_up-help = A subject average rises by at least the threshold since the previous period.
gam-rule-perfect_week = Week without absence
gam-rule-perfect_week-help = A whole week without absence or lateness.
gam-rule-homework_on_time = Homework on time
gam-rule-homework_on_time-help = Online homework handed in before its due time.

badge-first_perfect = First 20/20
badge-first_perfect-how = Get the top mark in an evaluation.
badge-honour_1 = Honour roll
badge-honour_1-how = A general average on the honour roll on a published report card.
badge-honour_3 = Three times on the honour roll
badge-honour_3-how = Three periods of the year on the honour roll.
badge-full_month = Perfect month
badge-full_month-how = A whole month of lessons without absence or lateness.
badge-points_100 = A hundred points
badge-points_100-how = Earn 100 points.
badge-points_500 = Five hundred points
badge-points_500-how = Earn 500 points.
badge-by-hand = Given by a teacher or the administration.
gam-earned-on = Earned on
gam-holders = { $count ->
    [0] Nobody has it yet
    [one] { $shown } student has it
   *[other] { $shown } students have it
}
gam-badge-new = New school badge
gam-badge-icon = Icon
gam-badge-name = Name
gam-badge-how = How to earn it
gam-create = Create
gam-badge-created = Badge created.
gam-error-icon = Choose one of the icons shown.

gam-board-type = Rank by
gam-board-period = Period
gam-board-scope = Scope
gam-level-school = School level
gam-type-points = Points
gam-type-badges = Badges
gam-type-progres = Progress
gam-window-semaine = This week
gam-window-trimestre = This term
gam-window-tout = Whole year
gam-scope-classe = Class
gam-scope-niveau = Level
gam-scope-ecole = School
gam-rank = Rank
gam-board-empty = Nobody on this leaderboard yet.
gam-progress-help = rise of the average (out of 20): the latest marks of the period against the earlier ones
gam-error-type = Unknown leaderboard type (points, badges or progres).
gam-error-periode = Unknown period (semaine, trimestre or tout).
gam-error-scope = Unknown scope (classe, niveau or ecole, with its number).

gam-class-points = Class points
gam-award-help = Tick one or more students, choose the behaviour, then confirm. "To improve" points are counted apart and never shown to other students.
gam-check-all = Whole class
gam-behaviour = Behaviour
gam-behaviours = Behaviours
gam-positive = Positive
gam-comment = Comment
gam-award = Award
gam-awarded = { $count ->
    [one] { $points } points awarded to one student
   *[other] { $points } points awarded to { $count } students
}: { $label }.
gam-noted = { $count ->
    [one] Noted for one student
   *[other] Noted for { $count } students
}: { $label }.
gam-error-no-student = Tick at least one student.
gam-error-no-year = No school year is open.
gam-give-badge = Give a badge
gam-give-badge-help = Badges the school created are given by hand.
gam-give = Give
gam-badge-given = Badge given.

gam-challenge-new = New challenge
gam-challenge-title = Challenge title
gam-challenge-description = Description
gam-challenge-create = Start the challenge
gam-challenge-created = Challenge started: students see it with its progress.
gam-challenge-cancel = Cancel the challenge
gam-challenge-cancelled = Challenge cancelled.
gam-challenge-not-open = This challenge is already over or cancelled.
gam-no-challenges = No challenge yet.
gam-who = For whom
gam-who-class = The whole class
gam-who-teams = Teams of the class
gam-who-student = One student
gam-teams = Number of teams
gam-teams-n = { $n } teams
gam-team = Team { $n }
gam-whole = Together
gam-metric = Measured goal
gam-metric-attendance = Attendance rate
gam-metric-average_gain = Rise of the average (out of 20)
gam-metric-points = Points earned per student
gam-target = Goal
gam-target-help = 95 for 95% attendance; 1.5 for a rise of 1.5 points; 30 for 30 points per student.
gam-starts-on = Start
gam-ends-on = End
gam-reward-points = Reward points per student
gam-reward-badge = Reward badge
gam-goal = Goal
gam-dates = Dates
gam-reward = Reward
gam-and-badge = a badge
gam-unit = Participants
gam-measured = Measured
gam-reached = reached
gam-members = Participants
gam-won = won
gam-not-won = not reached
gam-state-open = Running
gam-state-settled = Over
gam-state-cancelled = Cancelled
gam-error-target = Invalid goal for this measure.
gam-error-dates = The end must follow the start, within a year.
gam-error-past = The end is already past.
gam-error-teams = From 2 to 10 teams, no more than students.
gam-error-points = A number of points from 0 to 1,000.

gam-rules = Automatic rules
gam-rule = Rule
gam-cap = Daily cap
gam-cap-help = Cap: awards per student per day (0: no cap). Threshold: a mark or a rise out of 20.
gam-threshold = Threshold
gam-enabled = On
gam-error-cap = A cap from 0 to 100.
gam-error-threshold = A threshold out of 20, such as 16 or 1.5.
gam-kind = Kind
gam-activate = Restore
gam-deactivate = Withdraw
gam-error-behaviour-points = From 1 to 100 points.
gam-error-behaviour-exists = This behaviour already exists.
gam-levels = Levels
gam-level-from = From (points)
gam-level-name = Name (empty: default name)
gam-error-levels-count = From 1 to 12 levels.
gam-error-levels-first = The first level starts at 0 points.
gam-error-levels-order = Thresholds must rise from one level to the next.
gam-journal = Latest awards

api-login-required = Log in to use the API.
api-eleve-required = Say which student (eleve=number).
gam-saved = Settings saved.
gam-history-short = History
gam-board-more = { $count ->
    [one] and one more student
   *[other] and { $shown } more students
}
gam-badge-revoke = Withdraw
gam-badge-revoked = Badge withdrawn.
gam-boards-settings = Leaderboards as families see them
gam-family-lines = Lines from the top shown to students and parents
gam-family-lines-help = Each also sees their own line (or their child's), even further down. Staff see the whole board.
gam-error-board-lines = Enter a number from 1 to 100.
gam-your-place = Your place
gam-your-child = Your child
badge-icon-star = Star
badge-icon-stars = Stars
badge-icon-medal = Medal
badge-icon-trophy = Cup
badge-icon-target = Target
badge-icon-calendar = Calendar
badge-icon-ribbon = Rosette
badge-icon-team = Team
badge-icon-book = Book
badge-icon-heart = Heart
badge-icon-lightbulb = Light bulb
badge-icon-flag = Flag
