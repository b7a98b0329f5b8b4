## Gamification: points, niveaux, badges, classements, défis

nav-progress = Ma progression
nav-boards = Classements
nav-challenges = Défis
nav-gamification = Points et badges

gam-progress = Progression
gam-summary = Résumé
gam-points = points
gam-points-total = Points
gam-points-week = { $n } cette semaine
gam-this-week = Cette semaine
gam-level = Niveau
gam-to-next-level = Vers le niveau suivant
gam-next-level-at = Niveau suivant à { $n } points
gam-top-level = Plus haut niveau atteint
gam-class-rank = Rang dans la classe (trimestre)
gam-rank-of = sur { $n }
gam-tied = ex æquo
gam-to-improve = À améliorer
gam-to-improve-help = Ce trimestre ; visible seulement par l’élève, sa famille et ses professeurs.
gam-badges = Badges
gam-no-badges = Pas encore de badge.
gam-all-badges = Tous les badges et comment les gagner
gam-history = Historique des points
gam-what = Motif
gam-by = Par
gam-automatic = Automatique
gam-no-history = Aucun point pour l’instant.
gam-revoke = Annuler
gam-revoke-reason = Motif de l’annulation
gam-revoked = Attribution annulée.
gam-revoked-line = Annulé
gam-already-revoked = Cette attribution est déjà annulée.
gam-source-behaviour = Comportement
gam-source-challenge = Défi réussi
gam-source-hand = Attribution
gam-privacy = Confidentialité
gam-privacy-on = Ton nom est masqué dans les classements que voient les autres élèves (« Élève anonyme »). Tes professeurs et ta famille voient toujours ton rang.
gam-privacy-off = Ton nom apparaît dans les classements de l’école.
gam-privacy-hide = Masquer mon nom
gam-privacy-show = Afficher mon nom
gam-privacy-hidden = Le nom est désormais masqué dans les classements.
gam-privacy-shown = Le nom apparaît de nouveau dans les classements.
gam-anonymous = Élève anonyme

gam-level-1 = Apprenti
gam-level-2 = Explorateur
gam-level-3 = Bâtisseur
gam-level-4 = Savant
gam-level-5 = Expert
gam-level-6 = Maître

gam-rule-mark_high = Très bonne note
gam-rule-mark_high-help = Une note au moins égale au seuil (sur 20).
gam-rule-average_up = Moyenne en hausse
gam-rule-average_up-help = La moyenne d’une matière monte d’au moins le seuil depuis la période précédente.
gam-rule-perfect_week = Semaine sans absence
gam-rule-perfect_week-help = Une semaine entière sans absence ni retard.
gam-rule-homework_on_time = Devoir rendu à l’heure
gam-rule-homework_on_time-help = Un devoir en ligne rendu avant son heure limite.

badge-first_perfect = Premier 20/20
badge-first_perfect-how = Obtenir la note maximale à une évaluation.
badge-honour_1 = Tableau d’honneur
badge-honour_1-how = Une moyenne générale au tableau d’honneur sur un bulletin publié.
badge-honour_3 = Trois fois au tableau d’honneur
badge-honour_3-how = Trois périodes de l’année au tableau d’honneur.
badge-full_month = Mois parfait
badge-full_month-how = Un mois entier de cours sans absence ni retard.
badge-points_100 = Cent points
badge-points_100-how = Gagner 100 points.
badge-points_500 = Cinq cents points
badge-points_500-how = Gagner 500 points.
badge-by-hand = Décerné par un professeur ou l’administration.
gam-earned-on = Obtenu le
gam-holders = { $count ->
    [0] Personne ne l’a encore
    [one] { $shown } élève l’a
   *[other] { $shown } élèves l’ont
}
gam-badge-new = Nouveau badge de l’école
gam-badge-icon = Icône
gam-badge-name = Nom
gam-badge-how = Comment le gagner
gam-create = Créer
gam-badge-created = Badge créé.
gam-error-icon = Choisissez une des icônes proposées.

gam-board-type = Classer par
gam-board-period = Période
gam-board-scope = Portée
gam-level-school = Niveau scolaire
gam-type-points = Points
gam-type-badges = Badges
gam-type-progres = Progrès
gam-window-semaine = Cette semaine
gam-window-trimestre = Ce trimestre
gam-window-tout = Toute l’année
gam-scope-classe = Classe
gam-scope-niveau = Niveau
gam-scope-ecole = École
gam-rank = Rang
gam-board-empty = Personne dans ce classement pour l’instant.
gam-progress-help = progrès de la moyenne (sur 20) : les dernières notes de la période comparées aux précédentes
gam-error-type = Type de classement inconnu (points, badges ou progres).
gam-error-periode = Période inconnue (semaine, trimestre ou tout).
gam-error-scope = Portée inconnue (classe, niveau ou ecole, avec son numéro).

gam-class-points = Points de la classe
gam-award-help = Cochez un ou plusieurs élèves, choisissez le comportement, puis validez. Les points « à améliorer » sont comptés à part et ne sont jamais montrés aux autres élèves.
gam-check-all = Toute la classe
gam-behaviour = Comportement
gam-behaviours = Comportements
gam-positive = Positif
gam-comment = Commentaire
gam-award = Attribuer
gam-awarded = { $count ->
    [one] { $points } points attribués à un élève
   *[other] { $points } points attribués à { $count } élèves
} : { $label }.
gam-noted = { $count ->
    [one] Noté pour un élève
   *[other] Noté pour { $count } élèves
} : { $label }.
gam-error-no-student = Cochez au moins un élève.
gam-error-no-year = Aucune année scolaire n’est ouverte.
gam-give-badge = Décerner un badge
gam-give-badge-help = Les badges créés par l’école se décernent à la main.
gam-give = Décerner
gam-badge-given = Badge décerné.

gam-challenge-new = Nouveau défi
gam-challenge-title = Titre du défi
gam-challenge-description = Description
gam-challenge-create = Lancer le défi
gam-challenge-created = Défi lancé : les élèves le voient avec sa progression.
gam-challenge-cancel = Annuler le défi
gam-challenge-cancelled = Défi annulé.
gam-challenge-not-open = Ce défi est déjà terminé ou annulé.
gam-no-challenges = Aucun défi pour l’instant.
gam-who = Pour qui
gam-who-class = Toute la classe
gam-who-teams = Des équipes de la classe
gam-who-student = Un élève
gam-teams = Nombre d’équipes
gam-teams-n = { $n } équipes
gam-team = Équipe { $n }
gam-whole = Ensemble
gam-metric = Objectif mesuré
gam-metric-attendance = Taux de présence
gam-metric-average_gain = Hausse de la moyenne (sur 20)
gam-metric-points = Points gagnés par élève
gam-target = Objectif
gam-target-help = 95 pour 95 % de présence ; 1,5 pour une hausse de 1,5 point ; 30 pour 30 points par élève.
gam-starts-on = Début
gam-ends-on = Fin
gam-reward-points = Points de récompense par élève
gam-reward-badge = Badge de récompense
gam-goal = Objectif
gam-dates = Dates
gam-reward = Récompense
gam-and-badge = un badge
gam-unit = Participants
gam-measured = Mesuré
gam-reached = atteint
gam-members = Participants
gam-won = réussi
gam-not-won = non atteint
gam-state-open = En cours
gam-state-settled = Terminé
gam-state-cancelled = Annulé
gam-error-target = Objectif invalide pour cette mesure.
gam-error-dates = La fin doit suivre le début, dans la même année.
gam-error-past = La fin est déjà passée.
gam-error-teams = De 2 à 10 équipes, pas plus que d’élèves.
gam-error-points = Un nombre de points de 0 à 1 000.

gam-rules = Règles automatiques
gam-rule = Règle
gam-cap = Plafond par jour
gam-cap-help = Plafond : nombre d’attributions par élève et par jour (0 : sans plafond). Seuil : note ou hausse sur 20.
gam-threshold = Seuil
gam-enabled = Active
gam-error-cap = Un plafond de 0 à 100.
gam-error-threshold = Un seuil sur 20, par exemple 16 ou 1,5.
gam-kind = Sorte
gam-activate = Réactiver
gam-deactivate = Retirer
gam-error-behaviour-points = De 1 à 100 points.
gam-error-behaviour-exists = Ce comportement existe déjà.
gam-levels = Niveaux
gam-level-from = À partir de (points)
gam-level-name = Nom (vide : nom par défaut)
gam-error-levels-count = De 1 à 12 niveaux.
gam-error-levels-first = Le premier niveau commence à 0 point.
gam-error-levels-order = Les seuils doivent croître d’un niveau à l’autre.
gam-journal = Dernières attributions

api-login-required = Connectez-vous pour utiliser l’API.
api-eleve-required = Précisez l’élève (eleve=numéro).
gam-saved = Réglages enregistrés.
gam-history-short = Historique
gam-board-more = { $count ->
    [one] et un autre élève
   *[other] et { $shown } autres élèves
}
gam-badge-revoke = Retirer
gam-badge-revoked = Badge retiré.
gam-boards-settings = Classements vus par les familles
gam-family-lines = Lignes du haut du classement montrées aux élèves et aux parents
gam-family-lines-help = Chacun voit en plus sa propre ligne (ou celle de son enfant), même plus bas. Le personnel voit tout le classement.
gam-error-board-lines = Saisissez un nombre de 1 à 100.
gam-your-place = Ta place
gam-your-child = Votre enfant
badge-icon-star = Étoile
badge-icon-stars = Étoiles
badge-icon-medal = Médaille
badge-icon-trophy = Coupe
badge-icon-target = Cible
badge-icon-calendar = Calendrier
badge-icon-ribbon = Cocarde
badge-icon-team = Équipe
badge-icon-book = Livre
badge-icon-heart = Cœur
badge-icon-lightbulb = Ampoule
badge-icon-flag = Drapeau
