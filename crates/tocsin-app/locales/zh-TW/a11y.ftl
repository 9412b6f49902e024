# Accessibility: the skip link, the error summary of a refused form, keyboard hints.
a11y-skip = 跳到主要內容
a11y-error-prefix = 錯誤：
a11y-label-sep = ：
a11y-hint-datetime-keys = 鍵盤操作：以左右方向鍵在年、月、日、時、分之間移動，以上下方向鍵或直接輸入數字調整。
