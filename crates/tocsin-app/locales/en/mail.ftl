# Mail intake.

error-mail-refused = The message was refused: { $reason }
nav-mail = Mail in
mail-status = Status
mail-status-all = All
mail-status-held = Held
mail-status-ignored = Ignored (automatic)
mail-status-created = New case
mail-status-appended = Added to a case
mail-status-received = Being handled
mail-received = Received
mail-from = From
mail-subject = Subject
mail-outcome = Became / why
