# Mail intake.

error-mail-refused = The message was refused: { $reason }
