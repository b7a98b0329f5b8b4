# Prédiction de la réussite : le modèle entraîné, ses prédictions, les alertes et le suivi.

nav-prediction = Prédiction de la réussite
ml-title = Prédiction de la réussite
ml-train-now = Entraîner maintenant
ml-model-see = Voir le modèle
ml-help = Le modèle apprend de l’historique de l’établissement (les années passées, trimestre par trimestre) qui, parmi les élèves, a fini par échouer. Chaque modèle est évalué par validation croisée : un élève n’est jamais à la fois dans les données d’apprentissage et dans celles de l’évaluation. Le meilleur devient le modèle de l’établissement.
ml-history-rows = Historique disponible : { $rows } années-élèves
ml-history-imported = dont { $rows } importées d’un tableur
ml-current-model = Modèle en service : version { $version }
ml-trained-at = Entraîné le
ml-chosen = Modèle retenu
ml-data = Données
ml-data-size = { $rows } lignes, { $students } élèves
ml-size = Taille
ml-kb = { $kb } Ko
ml-label = Ce qui compte comme réussite
ml-label-decision = La décision du conseil (passe), sinon la moyenne annuelle
ml-label-average = La moyenne annuelle au moins égale à la moyenne de passage
ml-features-used = Ce que le modèle utilise
ml-sensitive-used = Attributs sensibles utilisés
ml-sensitive-none = aucun
ml-metrics-caption = Qualité mesurée par validation croisée (plis par élève)
ml-model = Modèle
ml-accuracy = Exactitude
ml-balanced-accuracy = Exactitude équilibrée
ml-auc = AUC
ml-auc-percent = AUC (× 100)
ml-rows = Lignes
ml-confusion = Matrice de confusion du modèle retenu
ml-predicted-fail = Prédit : échec
ml-predicted-pass = Prédit : réussite
ml-actual-fail = Réel : échec
ml-actual-pass = Réel : réussite
ml-confusion-help = En vert, les élèves bien classés ; en rouge, ceux sur lesquels le modèle s’est trompé.
ml-no-model = Aucun modèle n’est encore entraîné : la liste des élèves à risque utilise l’indice simple (moyenne, baisse, absences, évaluations manquées).
ml-settings = Réglages de la prédiction
ml-alert-at = Seuil d’alerte (risque d’échec en %)
ml-retrain-days = Réentraîner tous les … jours (0 : à la demande seulement)
ml-sensitive = Attributs sensibles
ml-sensitive-help = Désactivés par défaut. Activés, le modèle peut s’en servir ; la page le dit.
ml-families = Familles
ml-parents-see = Les parents voient la prédiction de leur enfant
ml-parents-alerted = Les parents reçoivent aussi les alertes
ml-versions = Versions du modèle
ml-version = Version
ml-chart-metrics = Comparaison des modèles
ml-chart-reliability = Fiabilité des probabilités (modèle retenu, calibré)
ml-predicted = Probabilité prédite
ml-observed = Réussite observée
ml-bin = Tranche
ml-model-logistic_regression = Régression logistique régularisée
ml-model-gradient_boosting = Arbres de décision boostés
ml-model-majority_baseline = Référence : toujours la réponse la plus fréquente
ml-model-handmade_index = Ancien indice simple
ml-feature-stage = Périodes écoulées
ml-feature-avg_p1 = Moyenne du 1er trimestre
ml-feature-rank_p1 = Rang au 1er trimestre
ml-feature-avg_last = Moyenne de la dernière période
ml-feature-trend = Évolution de la moyenne
ml-feature-avg_litteraires = Moyenne des matières littéraires
ml-feature-avg_scientifiques = Moyenne des matières scientifiques
ml-feature-absence_unjustified_h = Heures d’absence non justifiées
ml-feature-absence_justified_h = Heures d’absence justifiées
ml-feature-lateness = Retards
ml-feature-missed_evaluations = Évaluations manquées
ml-feature-repeats = Redoublements
ml-feature-age_gap = Écart à l’âge du niveau
ml-feature-sex = Sexe
ml-feature-guardians = Responsables légaux
ml-feature-fees_paid = Part des frais payée
ml-feature-other = Autre
ml-reason-stage = { $value } période(s) écoulée(s)
ml-reason-avg_p1 = moyenne du 1er trimestre { $value }
ml-reason-rank_p1 = au 1er trimestre, { $part ->
    [last] dans le dernier quart de la classe
    [second] dans la seconde moitié de la classe
   *[first] dans la première moitié de la classe
}
ml-reason-avg_last = moyenne de la dernière période { $value }
ml-reason-trend = { $up ->
    [yes] hausse
   *[no] baisse
} de { $value } points depuis la période précédente
ml-reason-avg_litteraires = moyenne des matières littéraires { $value }
ml-reason-avg_scientifiques = moyenne des matières scientifiques { $value }
ml-reason-absence_unjustified_h = { $value } h d’absence non justifiées
ml-reason-absence_justified_h = { $value } h d’absence justifiées
ml-reason-lateness = { $value ->
    [one] { $value } retard
   *[other] { $value } retards
}
ml-reason-missed_evaluations = { $value ->
    [one] { $value } évaluation manquée
   *[other] { $value } évaluations manquées
}
ml-reason-repeats = { $value ->
    [0] aucun redoublement à ce niveau
    [one] déjà un redoublement à ce niveau
   *[other] { $value } redoublements à ce niveau
}
ml-reason-age_gap = { $older ->
    [yes] { $value } an(s) de plus
   *[no] { $value } an(s) de moins
} que l’âge habituel du niveau
ml-reason-sex = sexe : { $value }
ml-reason-guardians = { $value } responsable(s) légal(aux) enregistré(s)
ml-reason-fees_paid = { $value } % des frais payés
ml-reason-other = autre facteur
ml-risk-probability = Risque d’échec
ml-risk-help = La probabilité d’échouer l’année estimée par le modèle de l’établissement, entraîné sur ses années passées, avec les facteurs qui pèsent le plus pour chaque élève. C’est une alerte pour en parler, pas un jugement.
ml-probability = Risque d’échec estimé pour l’année : { $percent } %
ml-family-help = C’est une estimation tirée des résultats des années passées, pas un jugement. Parlez-en avec le professeur principal : un rendez-vous peut se prendre par la messagerie.
ml-error-alert-at = Indiquez un seuil entre 5 et 95 %.
ml-error-retrain-days = Indiquez un nombre de jours entre 0 et 365.
ml-error-parents = Les parents ne peuvent être alertés que s’ils voient la prédiction.
ml-error-too-little-history = L’historique est trop court pour entraîner un modèle : il faut au moins { $rows } années-élèves avec leur résultat (années passées ou import).
ml-error-one-outcome = L’historique ne contient qu’un seul résultat (tous reçus ou tous en échec) : rien à apprendre.
ml-error-date = Indiquez une date passée ou d’aujourd’hui.
ml-error-action = Choisissez ce qui a été fait dans la liste.
ml-settings-saved = Réglages de la prédiction enregistrés.
ml-intervention-saved = Suivi enregistré.
job-kind-prediction-train = Entraînement du modèle de prédiction
job-msg-ml-reading = Lecture de l’historique…
job-msg-ml-training = Validation croisée des modèles…
notif-risk-raised = { $student } ({ $class }) a franchi le seuil d’alerte : risque d’échec estimé à { $percent } %.
notif-risk-raised-parent = L’école estime que { $student } risque d’échouer cette année ({ $percent } %). Prenez rendez-vous avec le professeur principal.
ml-followup = Suivi de l’élève
ml-followup-periods = Moyennes de l’année
ml-period-n = Période { $n }
ml-alerts = Alertes
ml-alert-cleared = retombé sous le seuil le { $date }
ml-interventions = Actions menées
ml-no-intervention = Aucune action enregistrée.
ml-done-on = Date
ml-action = Action
ml-action-entretien_eleve = Entretien avec l’élève
ml-action-rencontre_parents = Rencontre avec les parents
ml-action-tutorat = Tutorat par un camarade
ml-action-soutien = Cours de soutien
ml-action-orientation = Conseiller d’orientation
ml-action-autre = Autre
ml-note = Note
ml-intervention-add = Enregistrer
ml-csv-unreadable = Impossible de lire le fichier : { $error }
ml-csv-at = ligne { $line }, colonne « { $column } » : { $what }
ml-csv-at-line = ligne { $line } : { $what }
ml-csv-at-column = colonne « { $column } » : { $what }
ml-csv-no-target = cette colonne n’existe pas dans l’en-tête
ml-csv-unknown-column = cette colonne à écarter n’existe pas dans l’en-tête
ml-csv-row-length = { $found } cellules pour { $expected } colonnes
ml-csv-target-missing = le résultat est vide
ml-csv-target-not-number = « { $value } » n’est pas un nombre
ml-csv-too-many-levels = { $levels } valeurs différentes : c’est sans doute un identifiant ou un nom, écartez-la avec --drop
ml-csv-no-features = il ne reste aucune colonne pour prédire
ml-csv-too-few-rows = seulement { $rows } lignes : il en faut au moins 10
ml-csv-one-class = tous les résultats sont du même côté de la moyenne de passage : rien à prédire

ml-import-title = Importer des années passées
ml-import-link = Importer des années passées (tableur)
ml-import-help = Un fichier CSV ou XLSX, une ligne par élève et par année : son matricule, ses moyennes, ses absences… et le résultat de l’année (la moyenne annuelle ou la décision). Après l’envoi, vous indiquez quelle colonne est quoi ; rien n’est enregistré tant que tout le tableau ne se lit pas.
ml-import-read = Lire le fichier
ml-import-remove = Retirer de l’historique
ml-import-removed = Les lignes de cet import ont été retirées de l’historique.
ml-import-saved = { $rows } lignes ajoutées à l’historique
ml-import-waiting = En attente de la correspondance des colonnes
ml-import-rows-count = { $rows } lignes dans le fichier.
ml-import-problems = Le tableau ne se lit pas encore : corrigez le fichier ou la correspondance des colonnes.
ml-import-sample = Premières lignes
ml-import-line = Ligne
ml-import-mapping = Correspondance des colonnes
ml-import-mapping-help = Chaque liste propose les colonnes du fichier ; les titres reconnus sont déjà choisis. Laissez « aucune » pour ce que le fichier n’a pas.
ml-import-who = L’élève et son résultat
ml-import-student = Élève (matricule ou nom)
ml-import-year = Année scolaire
ml-import-outcome = Résultat de l’année (moyenne annuelle ou décision)
ml-import-none = (aucune)
ml-import-pass-mark-label = Moyenne de passage (sur 20)
ml-import-go = Importer
ml-import-need-student = Choisissez la colonne de l’élève.
ml-import-need-outcome = Choisissez la colonne du résultat de l’année.
ml-import-pass-mark = Indiquez une moyenne de passage entre 0 et 20.
ml-import-empty = l’élève n’est pas indiqué
ml-import-outcome-unknown = « { $value } » n’est ni une moyenne ni une décision (passe, admis, redouble, exclu…)
ml-import-done = Ce fichier est déjà importé.
ml-training-pending = Un entraînement est déjà en cours : le modèle sera à jour dans quelques instants.
