# 郵件收件。

error-mail-refused = 郵件遭拒收：{ $reason }
