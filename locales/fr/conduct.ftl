# Vie scolaire
conduct-title = Vie scolaire
conduct-sanctions = Sanctions
conduct-incidents = Incidents
conduct-no-sanctions = Aucune sanction.
conduct-no-incidents = Aucun incident signalé.
conduct-kind = Sanction
conduct-kind-avertissement = Avertissement
conduct-kind-blame = Blâme
conduct-kind-retenue = Retenue
conduct-kind-exclusion = Exclusion temporaire
conduct-reason = Motif
conduct-give = Donner une sanction
conduct-give-submit = Enregistrer la sanction
conduct-give-help = La famille est prévenue aussitôt (dans le portail, et par SMS si elle l’a choisi). Pour une retenue, remplissez le jour, l’heure et la durée ; pour une exclusion, le premier jour et le nombre de jours.
conduct-retenue-on = Jour de la retenue
conduct-retenue-at = Heure (ex. 14h00)
conduct-retenue-minutes = Durée (minutes)
conduct-exclusion-from = Exclusion à partir du
conduct-exclusion-days = Nombre de jours
conduct-retenue-when = Retenue le { $date } à { $at }, { $length } minutes
conduct-exclusion-when = { $days ->
    [one] Exclusion le { $date } ({ $days } jour)
   *[other] Exclusion à partir du { $date } ({ $days } jours)
}
conduct-report = Signaler un incident
conduct-report-submit = Enregistrer l’incident
conduct-occurred-on = Date
conduct-place = Lieu
conduct-what = Ce qui s’est passé
conduct-witnesses = Témoins
conduct-witnesses-are = Témoins : { $names }
conduct-reported-by = signalé par { $name }
conduct-slip = Billet de retenue
conduct-slip-title = Billet de retenue
conduct-decided = Décidée par
conduct-slip-sign = Billet à rapporter signé par un parent le jour de la retenue.
conduct-slip-parent = Signature du parent :
conduct-incident-saved = Incident enregistré.
conduct-sanction-saved = Sanction enregistrée ; la famille est prévenue.
conduct-error-future = La date ne peut pas être dans le futur.
conduct-error-past = La retenue ne peut pas être dans le passé.
conduct-error-time = Indiquez l’heure, par exemple 14h00.
conduct-error-minutes = Indiquez une durée entre 30 et 480 minutes.
conduct-error-days = Indiquez entre 1 et 15 jours.
conduct-link = Vie scolaire
notif-kind-conduct = Vie scolaire
notif-sanction = { $student } : { $kind } ({ $reason }).
entity-sanction = Sanction
audit-sanction-create = { $actor } a donné une sanction ({ $kind }) à { $student }.
nav-teacher-absences = Absences des enseignants
conduct-teacher-absences = Absences des enseignants
conduct-teacher-absence-new = Enregistrer une absence
conduct-teacher-absence-submit = Enregistrer et prévenir les familles
conduct-teacher-absence-help = Les élèves et les parents des classes de l’enseignant sont prévenus aussitôt (dans le portail, et par SMS pour ceux qui l’ont choisi).
conduct-teacher-absences-coming = Absences à venir
conduct-no-teacher-absences = Aucune absence d’enseignant à venir.
conduct-lessons-lost = Cours non assurés :
conduct-from = Du
conduct-to = Au
conduct-absence-reason = Motif (facultatif, visible de l’administration seulement)
conduct-error-to-before = La fin ne peut pas précéder le début.
conduct-teacher-absence-saved = Absence enregistrée ; les familles sont prévenues.
notif-teacher-absent = { $teacher } sera absent(e) du { $from } au { $to } : ses cours en { $class } n’auront pas lieu.
conduct-slip-time = Heure
# Règles de vie scolaire : l’échelle des sanctions et la note de conduite proposée.
nav-conduct-rules = Règles de vie scolaire
conduct-rules = Règles de vie scolaire
conduct-rules-help = L’échelle des sanctions que l’établissement applique, qui décide de chacune, et ce que chaque fait du dossier retire de la note de conduite proposée au conseil de classe. Le conseil garde le dernier mot.
conduct-scale = Échelle des sanctions
conduct-used = Appliquée
conduct-used-yes = oui
conduct-deduction = Retrait sur la note de conduite
conduct-givers = Décidée par
conduct-mark-rules = Note de conduite proposée
conduct-mark-rules-help = Sur 20. La proposition part de la note de départ, retire chaque sanction de la période, chaque incident sans sanction, chaque heure d’absence non justifiée et chaque retard, puis s’arrondit au demi-point.
conduct-rule-base = Note de départ
conduct-rule-incident = Retrait par incident sans sanction
conduct-rule-unjustified_hour = Retrait par heure d’absence non justifiée
conduct-rule-late = Retrait par retard
conduct-rules-saved = Règles de vie scolaire enregistrées.
conduct-error-no-giver = Choisissez qui décide de cette sanction, ou décochez-la.
conduct-proposed = Proposé : { $mark }
conduct-count-avertissement = { $count ->
    [one] { $count } avertissement
   *[other] { $count } avertissements
}
conduct-count-blame = { $count ->
    [one] { $count } blâme
   *[other] { $count } blâmes
}
conduct-count-retenue = { $count ->
    [one] { $count } retenue
   *[other] { $count } retenues
}
conduct-count-exclusion = { $count ->
    [one] { $count } exclusion
   *[other] { $count } exclusions
}
conduct-count-incident = { $count ->
    [one] { $count } incident
   *[other] { $count } incidents
}
conduct-count-unjustified = { $hours } d’absence non justifiée
conduct-count-late = { $count ->
    [one] { $count } retard
   *[other] { $count } retards
}
audit-settings-conduct = de vie scolaire
