# Cahier de textes and « travail à faire »
nav-todo = À faire
nav-lesson-log = Cahiers de textes
lesson-log = Cahier de textes
lesson-log-recent = Cahier de textes des deux dernières semaines
lesson-new = Nouvelle séance
lesson-edit = Modifier la séance
lesson-edit-action = Modifier
lesson-cancel = Annuler
lesson-date = Date de la séance
lesson-title = Titre
lesson-title-example = Ex. : Chapitre 4 – Les fonctions dérivées
lesson-content = Contenu de la séance
lesson-homework = Travail à faire
lesson-homework-example = Ex. : Exercices 12 à 15 page 84
lesson-due = Pour le
lesson-file = Pièce jointe (image ou PDF)
lesson-copy-to = Copier aussi dans mes autres classes du même niveau
lesson-entries = Séances enregistrées
lesson-homework-for = À faire pour le
lesson-delete-confirm = Supprimer cette séance et son travail à faire ?
lesson-none = Aucune séance enregistrée.
lesson-saved = { $count ->
    [one] Séance enregistrée.
   *[other] Séance enregistrée dans { $count } classes.
}
lesson-updated = Séance modifiée.
lesson-deleted = Séance supprimée.
lesson-error-far-date = La date doit être dans l’année qui vient ou qui précède.
lesson-error-due-before = Le travail ne peut pas être à rendre avant la séance.
lesson-error-instructions = Écrivez le travail à faire, ou laissez la date vide.
lesson-error-due = Indiquez pour quand est le travail.
lesson-error-file-type = Seules les images et les PDF sont acceptés.
lesson-status = Suivi des cahiers de textes
lesson-status-behind = { $count ->
    [0] Tous les cahiers sont à jour.
    [one] { $count } cahier est en retard (aucune séance depuis plus de 10 jours).
   *[other] { $count } cahiers sont en retard (aucune séance depuis plus de 10 jours).
}
lesson-status-since = Séances saisies depuis le { $date }
lesson-last = Dernière séance
lesson-recent = Séances (14 jours)
lesson-days-ago = { $count ->
    [0] aujourd’hui
    [one] il y a { $count } jour
   *[other] il y a { $count } jours
}
lesson-never = Jamais rempli
lesson-behind = En retard
todo-title = Travail à faire
todo-homework = Devoir
todo-see-lesson = Voir la séance
todo-nothing = Rien à faire pour les trois semaines qui viennent.
todo-next = Prochains travaux
todo-nothing-week = Rien à faire cette semaine.
