# School life
conduct-title = School life
conduct-sanctions = Sanctions
conduct-incidents = Incidents
conduct-no-sanctions = No sanction.
conduct-no-incidents = No incident reported.
conduct-kind = Sanction
conduct-kind-avertissement = Warning
conduct-kind-blame = Reprimand
conduct-kind-retenue = Detention
conduct-kind-exclusion = Temporary exclusion
conduct-reason = Reason
conduct-give = Give a sanction
conduct-give-submit = Save the sanction
conduct-give-help = The family is told at once (in the portal, and by SMS if they chose it). For a detention, fill in the day, time and length; for an exclusion, the first day and the number of days.
conduct-retenue-on = Detention day
conduct-retenue-at = Time (e.g. 14h00)
conduct-retenue-minutes = Length (minutes)
conduct-exclusion-from = Excluded from
conduct-exclusion-days = Number of days
conduct-retenue-when = Detention on { $date } at { $at }, { $length } minutes
conduct-exclusion-when = { $days ->
    [one] Excluded on { $date } ({ $days } day)
   *[other] Excluded from { $date } ({ $days } days)
}
conduct-report = Report an incident
conduct-report-submit = Save the incident
conduct-occurred-on = Date
conduct-place = Place
conduct-what = What happened
conduct-witnesses = Witnesses
conduct-witnesses-are = Witnesses: { $names }
conduct-reported-by = reported by { $name }
conduct-slip = Detention slip
conduct-slip-title = Detention slip
conduct-decided = Decided by
conduct-slip-sign = Bring this slip back signed by a parent on the day of the detention.
conduct-slip-parent = Parent's signature:
conduct-incident-saved = Incident saved.
conduct-sanction-saved = Sanction saved; the family is told.
conduct-error-future = The date cannot be in the future.
conduct-error-past = The detention cannot be in the past.
conduct-error-time = Enter the time, for example 14h00.
conduct-error-minutes = Enter a length between 30 and 480 minutes.
conduct-error-days = Enter between 1 and 15 days.
conduct-link = School life
notif-kind-conduct = School life
notif-sanction = { $student }: { $kind } ({ $reason }).
entity-sanction = Sanction
audit-sanction-create = { $actor } gave a sanction ({ $kind }) to { $student }.
nav-teacher-absences = Teachers' absences
conduct-teacher-absences = Teachers' absences
conduct-teacher-absence-new = Record an absence
conduct-teacher-absence-submit = Save and tell the families
conduct-teacher-absence-help = The students and parents of the teacher's classes are told at once (in the portal, and by SMS for those who chose it).
conduct-teacher-absences-coming = Absences to come
conduct-no-teacher-absences = No teacher absence to come.
conduct-lessons-lost = Lessons not taught:
conduct-from = From
conduct-to = To
conduct-absence-reason = Reason (optional, seen by the administration only)
conduct-error-to-before = The end cannot come before the start.
conduct-teacher-absence-saved = Absence saved; the families are told.
notif-teacher-absent = { $teacher } will be absent from { $from } to { $to }: their lessons in { $class } will not take place.
conduct-slip-time = Time
# Conduct rules: the scale of sanctions and the proposed conduct mark.
nav-conduct-rules = Conduct rules
conduct-rules = Conduct rules
conduct-rules-help = The scale of sanctions the school applies, who decides each, and what each fact of a record takes off the conduct mark proposed to the class council. The council has the last word.
conduct-scale = Scale of sanctions
conduct-used = Applied
conduct-used-yes = yes
conduct-deduction = Taken off the conduct mark
conduct-givers = Decided by
conduct-mark-rules = Proposed conduct mark
conduct-mark-rules-help = Out of 20. The proposal starts from the starting mark, takes off each sanction of the period, each incident without sanction, each hour of unjustified absence and each late arrival, then rounds to the half point.
conduct-rule-base = Starting mark
conduct-rule-incident = Taken off per incident without sanction
conduct-rule-unjustified_hour = Taken off per hour of unjustified absence
conduct-rule-late = Taken off per late arrival
conduct-rules-saved = Conduct rules saved.
conduct-error-no-giver = Choose who decides this sanction, or untick it.
conduct-proposed = Proposed: { $mark }
conduct-count-avertissement = { $count ->
    [one] { $count } warning
   *[other] { $count } warnings
}
conduct-count-blame = { $count ->
    [one] { $count } reprimand
   *[other] { $count } reprimands
}
conduct-count-retenue = { $count ->
    [one] { $count } detention
   *[other] { $count } detentions
}
conduct-count-exclusion = { $count ->
    [one] { $count } suspension
   *[other] { $count } suspensions
}
conduct-count-incident = { $count ->
    [one] { $count } incident
   *[other] { $count } incidents
}
conduct-count-unjustified = { $hours } of unjustified absence
conduct-count-late = { $count ->
    [one] { $count } late arrival
   *[other] { $count } late arrivals
}
audit-settings-conduct = for conduct
