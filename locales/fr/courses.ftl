# Cours en ligne (e-learning)
nav-courses = Cours en ligne
course-mine = Mes cours en ligne
course-mine-help = Un cours par classe et par matière : des modules, des leçons rédigées en Markdown, des fichiers. Les élèves ne voient que ce qui est publié et ouvert.
course-no-teaching = Aucune classe ne vous est attribuée cette année.
course-new-title = Nouveau cours
course-title-example = Ex. : Nombres rationnels – 1er trimestre
course-create = Créer le cours
course-created = Cours créé. Ajoutez-lui un premier module.
course-saved = Cours enregistré.
course-deleted = Cours supprimé.
course-as-student = Vue élève
course-progress = Progression de la classe
course-progress-help = ✔ leçon terminée · ○ leçon ouverte, pas encore terminée. Seules les leçons publiées comptent.
course-progress-total = Terminé
course-completed-by = Élèves ayant terminé
course-about = Présentation
course-title = Titre du cours
course-summary = Présentation (Markdown)
course-modules = Modules et leçons
course-module-title = Titre du module
course-module-example = Ex. : Chapitre 1 – Les fractions
course-module-settings = Réglages du module
course-module-added = Module ajouté.
course-module-deleted = Module supprimé avec ses leçons.
course-module-delete = Supprimer le module
course-module-delete-confirm = Supprimer ce module et toutes ses leçons ? La progression des élèves sur ces leçons sera perdue.
course-add-module = Ajouter un module
course-add = Ajouter
course-add-lesson = Ajouter une leçon
course-edit-lesson = Modifier la leçon
course-edit = Modifier le cours
course-no-module = Pas encore de module.
course-no-lesson = Pas encore de leçon.
course-published = Publié
course-publish = Publier (visible des élèves)
course-available-from = Ouvert à partir du
course-opens = ouvre le { $date }
course-move-up = Monter « { $name } »
course-move-down = Descendre « { $name } »
course-copy = Copier le cours
course-copy-help = Le cours est copié avec ses modules, ses leçons et leurs fichiers, en brouillon : publiez-le quand la classe est prête.
course-copy-none = Vous n’enseignez cette matière dans aucune autre classe de cette année ou de la suivante.
course-copy-action = Copier
course-copied = Cours copié en brouillon.
course-error-copy-target = Choisissez une classe où vous enseignez cette matière.
course-delete = Supprimer le cours
course-delete-confirm = Supprimer ce cours, ses modules, ses leçons et la progression des élèves ?
course-lesson-title = Titre de la leçon
course-lesson-example = Ex. : Additionner des fractions
course-lesson-body = Contenu
course-markdown-help = Markdown : **gras**, *italique*, # titre, - liste, | tableau |, [lien](https://…). L’aperçu se met à jour pendant la saisie.
course-preview = Aperçu
course-prerequisite = Leçon à terminer d’abord
course-prerequisite-none = Aucune
course-error-prerequisite = Choisissez une autre leçon de ce cours, qui n’attend pas déjà celle-ci.
course-lesson-file = Fichier joint (image ou PDF)
course-lesson-saved = Leçon enregistrée.
course-lesson-deleted = Leçon supprimée.
course-lesson-delete = Supprimer la leçon
course-lesson-delete-confirm = Supprimer cette leçon ?
course-files = Fichiers
course-lesson-nav = Leçons du cours
course-prev = Précédente
course-next = Suivante
course-complete = J’ai terminé cette leçon
course-lesson-completed = Leçon terminée. Bravo !
course-state-draft = Brouillon
course-state-locked = Fermée
course-state-new = À voir
course-state-viewed = Commencée
course-state-completed = Terminée
course-lock-until = Cette leçon ouvre le { $date }.
course-lock-after = Terminez d’abord la leçon « { $lesson } ».
course-lock-draft = Brouillon : les élèves ne voient pas encore cette leçon.
course-my-courses = Mes cours en ligne
course-child-courses = Cours en ligne
course-none-yet = Aucun cours en ligne publié pour cette classe pour l’instant.
course-empty = Ce cours n’a pas encore de leçon publiée.
course-percent = { $pct } % terminé
course-done-of = { $done } leçon(s) terminée(s) sur { $open }
course-continue = Continuer : { $lesson }
course-next-is = Prochaine leçon : { $lesson }
course-details = Détail des leçons

# Quiz
quiz-title = Quiz
quiz-manage = Questions et résultats du quiz
quiz-score = { $score } / { $max } ({ $twenty }/20)
quiz-in-progress = en cours
quiz-true = Vrai
quiz-false = Faux
quiz-deadline = À rendre avant { $time }.
quiz-saved-at = Réponses enregistrées à { $time }
quiz-submitted = Quiz rendu. Voici vos résultats.
quiz-submitted-late = Temps écoulé : seules les réponses enregistrées avant la fin comptent.
quiz-reviewed = Correction enregistrée.
quiz-error-empty = Ce quiz n’a pas encore de question.
quiz-error-no-attempt-left = Vous avez utilisé toutes vos tentatives.
quiz-error-time-up = Temps écoulé : cette réponse n’est plus prise en compte.
quiz-error-not-submitted = Cette tentative n’est pas encore rendue.
quiz-error-percent = Donnez une part des points entre 0 et 100.
quiz-error-points = Entre 1 et 100 points.
quiz-error-choices = Écrivez de 2 à 12 choix, un par ligne.
quiz-error-one-right = Marquez exactement une bonne réponse d’un * en début de ligne.
quiz-error-some-right = Marquez au moins une bonne réponse d’un * en début de ligne.
quiz-error-true-false = Choisissez Vrai ou Faux.
quiz-error-answers = Écrivez de 1 à 12 réponses acceptées, une par ligne.
quiz-error-number = Écrivez un nombre, par exemple 3,14.
quiz-error-pairs = Écrivez de 2 à 12 paires « gauche = droite », une par ligne.
quiz-error-items = Écrivez de 2 à 12 éléments, un par ligne.
quiz-error-kind = Type de question inconnu.
quiz-error-time-limit = Une durée entre 1 et 600 minutes, ou rien.
quiz-error-attempts = Entre 1 et 20 tentatives.
quiz-error-review-first = Corrigez d’abord les réponses à revoir.
course-error-no-period = Aucune période n’est ouverte pour recevoir la note.
course-error-period-closed = La période est clôturée : la note ne peut plus être modifiée.
quiz-kind = Type de question
quiz-kind-single = Choix unique
quiz-kind-multiple = Choix multiples
quiz-kind-true_false = Vrai ou faux
quiz-kind-short = Réponse courte
quiz-kind-numeric = Numérique
quiz-kind-matching = Appariement
quiz-kind-ordering = Remise en ordre
quiz-help-single = Choix, un par ligne ; * devant la bonne réponse ; « | commentaire » après un choix pour l’expliquer
quiz-help-multiple = Choix, un par ligne ; * devant chaque bonne réponse ; « | commentaire » après un choix pour l’expliquer
quiz-help-true_false = La bonne réponse
quiz-help-short = Réponses acceptées, une par ligne (majuscules, accents et ponctuation finale ne comptent pas)
quiz-help-numeric = La valeur attendue et l’écart toléré
quiz-help-matching = Paires « gauche = droite », une par ligne (les éléments de droite seront mélangés)
quiz-help-ordering = Éléments dans le bon ordre, un par ligne (ils seront mélangés)
quiz-question-added = Question ajoutée à la banque.
quiz-saved = Réglages du quiz enregistrés.
quiz-evaluation-title = Quiz : { $lesson }
quiz-sent-to-gradebook = { $count ->
    [one] Une note envoyée au carnet de notes.
   *[other] { $count } notes envoyées au carnet de notes.
}
quiz-questions-count = { $count ->
    [0] Aucune question
    [one] Une question
   *[other] { $count } questions
}
quiz-time-limit-minutes = { $count ->
    [one] Durée : 1 minute
   *[other] Durée : { $count } minutes
}
quiz-attempts-allowed = { $count ->
    [one] Une tentative
   *[other] { $count } tentatives
}
quiz-points = { $count ->
    [one] 1 point
   *[other] { $count } points
}
quiz-bank-count = { $count ->
    [0] La banque est vide
    [one] Une question dans la banque
   *[other] { $count } questions dans la banque
}
quiz-attempt-n = Tentative { $n }
quiz-question-n = Question { $n }
quiz-to-review = à corriger
quiz-review = Corriger
quiz-resume = Reprendre la tentative en cours
quiz-start = Commencer le quiz
quiz-start-again = Nouvelle tentative
quiz-no-attempt-left = Plus de tentative disponible.
quiz-several = Plusieurs réponses possibles.
quiz-your-answer = Votre réponse
quiz-order-help = Donnez à chaque élément sa place (1 = le premier).
quiz-submit = Rendre le quiz
quiz-submit-confirm = Rendre le quiz ? Vous ne pourrez plus modifier vos réponses.
quiz-review-pending = des réponses attendent la correction de l’enseignant
quiz-expected = Réponse attendue
quiz-feedback = Commentaire
quiz-review-percent = Part des points accordée (%)
quiz-review-save = Enregistrer la correction
quiz-back-to-lesson = Retour à la leçon
quiz-bank = Banque de questions
quiz-new-question = Nouvelle question
quiz-prompt = Énoncé (Markdown)
quiz-value = Valeur attendue
quiz-tolerance = Écart toléré
quiz-points-label = Points
quiz-feedback-label = Commentaire montré après la réponse
quiz-add-question = Ajouter à la banque
quiz-settings = Réglages
quiz-time-limit = Durée (minutes)
quiz-no-limit = sans limite
quiz-attempts = Tentatives
quiz-shuffle = Mélanger les questions et les choix
quiz-remove = Retirer du quiz
quiz-from-bank = Ajouter depuis la banque de la matière
quiz-bank-empty = La banque de cette matière est vide : commencez par y écrire des questions.
quiz-add-selected = Ajouter les questions cochées
quiz-open-bank = Ouvrir la banque de questions
quiz-results = Résultats de la classe
quiz-to-gradebook = Envoyer au carnet de notes
quiz-update-gradebook = Mettre à jour le carnet de notes
quiz-best = Meilleure note /20
course-outline = Plan du cours

# Devoirs en ligne
assignment-title = Devoir à rendre
assignment-manage = Devoir : réglages et copies
assignment-due = À rendre avant le { $at }
assignment-due-at = À rendre avant le
assignment-policy-accept = Les retards sont acceptés.
assignment-policy-penalty = Les retards sont acceptés avec une pénalité.
assignment-policy-refuse = Aucun travail accepté après l’heure.
assignment-late-policy = Travail rendu en retard
assignment-penalty = Pénalité par jour de retard (%)
assignment-accepts = On peut rendre
assignment-accepts-text = un texte
assignment-accepts-files = des fichiers (PDF ou photo de la copie)
assignment-rubric = Barème
assignment-rubric-example = Raisonnement : 8
assignment-not-handed-in = Pas encore rendu.
assignment-handed-in = Rendu le { $at }.
assignment-handed-in-late = Rendu le { $at }, avec { $days } jour(s) de retard.
assignment-marked = noté { $mark }/20
assignment-hand-in = Rendre mon travail
assignment-see-work = Voir mon travail
assignment-change = Modifier mon travail
assignment-text = Mon texte
assignment-file = Ajouter un fichier (PDF ou photo, 3 au plus)
assignment-send = Envoyer
assignment-my-files = Mes fichiers
assignment-feedback = Appréciation
assignment-handed-in-flash = Travail rendu.
course-assignment-saved = Devoir enregistré.
assignment-graded = Note enregistrée.
assignment-state = Où en est-il
assignment-grade = Corriger
assignment-regrade = Revoir la note
assignment-work = Travail rendu
assignment-no-text = Pas de texte : voir les fichiers.
assignment-save-grade = Enregistrer la note
assignment-evaluation-title = Devoir : { $lesson }
assignment-handed-count = { $n } copie(s) rendue(s) sur { $of }
assignment-error-marked = Ce travail est déjà noté : il ne peut plus changer.
assignment-error-closed = L’heure est passée : ce devoir n’accepte plus de travail.
assignment-error-no-text = Ce devoir se rend en fichiers seulement.
assignment-error-no-files = Ce devoir se rend en texte seulement.
assignment-error-too-many-files = Trois fichiers au plus.
assignment-error-empty = Écrivez un texte ou joignez un fichier.
assignment-error-due = Donnez le jour et l’heure de remise.
assignment-error-policy = Choisissez ce qui arrive aux retards.
assignment-error-penalty = Une pénalité entre 0 et 100 %.
assignment-error-rubric = Un critère par ligne, « Nom : points » (de 1 à 100 points, 12 critères au plus).
assignment-error-nothing-accepted = Acceptez au moins un texte ou des fichiers.
assignment-error-score = Entre 0 et { $max } points.
todo-assignment = Devoir en ligne
notif-assignment-due = Devoir « { $title } » à rendre avant le { $due }.
course-pdf = Télécharger en PDF
course-pdf-printed = Imprimé le { $date }
