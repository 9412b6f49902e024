## Assistance referrals (協處商機)

error-referral-no-support = 只有勾選「需要支援」的資安事件通報可以轉介。
error-referral-closed = 此通報已結案或不予處理，無法再轉介。
error-referral-no-consent = 通報人尚未同意轉介。
error-referral-state = 轉介目前的狀態不允許這個動作。
error-referral-no-redemption = 貴單位沒有可用的「協處商機」兌換項目，請先以點數兌換並經核准。
# $part：欄位；$words：找到的字詞，以 ", " 分隔；$source：透露的是通報人的哪一項資訊（name、org、mail、phone 或 several）。
error-referral-identity = { $part ->
        [sector] 產業別
        [incident_type] 事件類型
       *[summary] 需要的支援
    }欄的內容含有通報人的身分資訊：「{ $words }」（{ $source ->
        [name] 通報人名稱
        [org] 所屬單位名稱
        [mail] 電子郵件或其網域
        [phone] 電話號碼
       *[several] 名稱、單位或聯絡資訊
    }），請去識別化後再送出。

mail-referral-subject = 協處商機轉介：已交換聯絡資訊
mail-referral-chosen-reporter = 您好：
    您在通報 { $tracking } 中選擇了由「{ $firm }」協助處理。
    對方聯絡人：{ $name }（{ $email }）
    對方也已收到您的聯絡方式，將與您聯繫。處理完成後，歡迎在通報狀態頁為對方評分。
mail-referral-chosen-firm = 您好：
    通報人已選擇由貴單位協助處理一件資安事件（轉介編號 { $tracking }）。
    通報人：{ $name }
    電子郵件：{ $email }
    電話：{ $phone }
    需要的支援：{ $support }
    請儘速與通報人聯繫，並在「協處商機」頁面登錄處理結果。以上資訊僅供本次協處使用，請妥善保密。

referral-title = 協處商機
referral-intro = 通報人同意轉介、去識別化的資安事件。持有已核准「協處商機」兌換項目的會員資安業者可以接案；通報人選定業者後才交換聯絡資訊。
referral-none = 目前沒有可檢視的轉介。
referral-state = 狀態
referral-state-consented = 通報人已同意，待轉介
referral-state-offered = 已轉介，等待業者接案
referral-state-chosen = 通報人已選定業者
referral-state-completed = 已完成
referral-state-withdrawn = 已撤回
referral-response-accepted = 已接案，等待通報人選擇
referral-response-chosen = 獲通報人選定
referral-response-not_chosen = 未獲選定
referral-sector = 產業別
referral-incident-type = 事件類型
referral-company-size = 企業規模
referral-size-micro = 微型（10 人以下）
referral-size-small = 小型（10–49 人）
referral-size-medium = 中型（50–249 人）
referral-size-large = 大型（250 人以上）
referral-region = 地區
referral-region-north = 北部
referral-region-central = 中部
referral-region-south = 南部
referral-region-east = 東部
referral-region-islands = 離島
referral-region-abroad = 海外
referral-summary = 需要的支援（請勿包含任何身分資訊）
referral-accept = 接案
referral-accepted-by = 已接案的業者
referral-reporter-contact = 通報人聯絡資訊
referral-outcome = 處理結果
referral-outcome-engaged = 已委託並協助處理
referral-outcome-not_engaged = 未達成委託
referral-record-outcome = 登錄結果
referral-rating = 評分
referral-rating-comment = 意見（選填）
referral-rate = 送出評分
referral-your-rating = 您的評分：{ $stars } / 5
referral-desk-title = 協處商機轉介
referral-desk-no-consent = 通報人尚未同意轉介。
referral-offer = 轉介給會員資安業者
referral-withdraw = 撤回轉介
referral-consent-title = 需要協助嗎？
referral-consent-text = 您在通報中表示需要支援。若同意，我們會將去識別化的事件摘要（產業、事件類型、企業規模、地區）提供給本中心的會員資安業者；您可以從願意協助的業者中選擇一家，選定後雙方才會交換聯絡資訊。
referral-consent = 同意轉介給會員資安業者
referral-waiting = 已同意轉介，等待本中心轉介給業者。
referral-withdrawn-reporter = 本中心目前已撤回對業者的轉介，之後可能再次提出；您的通報仍照常處理。
referral-offered-waiting = 已轉介給會員資安業者，等待業者接案。
referral-choose-title = 願意協助的業者
referral-choose = 選擇這家業者
referral-chosen-firm = 您選擇的業者
referral-firm = 業者
nav-referrals = 協處商機
event-referral_consent = 通報人同意轉介協處商機
event-referral_offered = 已轉介給會員資安業者
event-referral_chosen = 通報人已選定協處業者
