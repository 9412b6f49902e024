# 郵件收件。

error-mail-refused = 郵件遭拒收：{ $reason }
nav-mail = 收件郵件
mail-status = 狀態
mail-status-all = 全部
mail-status-held = 暫留待處理
mail-status-ignored = 略過（自動郵件）
mail-status-created = 新案件
mail-status-appended = 併入案件
mail-status-received = 處理中
mail-received = 收件時間
mail-from = 寄件者
mail-subject = 主旨
mail-outcome = 結果／原因
