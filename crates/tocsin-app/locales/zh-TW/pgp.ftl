# OpenPGP of the desk, security.txt and the RFC 2350 description (service::pgp, web/about.rs).
# The two event-* ids are the names the report history gives these events (labels.rs
# looks events up as event-<kind>).
event-pgp_received = 收到加密信件（OpenPGP），已解密
event-pgp_received_signed = 收到加密並經簽章驗證的信件（OpenPGP），簽章者金鑰指紋
event-pgp_signed = 收到經簽章的信件（OpenPGP），簽章已驗證；簽章者金鑰指紋
event-pgp_signed_unverified = 收到經簽章的信件（OpenPGP），但無法以我們持有的寄件者金鑰驗證簽章

pgp-front-key = 本中心 OpenPGP 公鑰指紋：
pgp-key-unreadable = 無法讀取此 OpenPGP 公鑰，請貼上完整的「-----BEGIN PGP PUBLIC KEY BLOCK-----」區塊
pgp-key-other-address = 此公鑰的使用者識別未包含您帳號的電子郵件地址
pgp-key-no-encryption = 此公鑰沒有可用於加密的子金鑰
pgp-account-title = OpenPGP 公鑰
pgp-account-intro = 上傳您的 OpenPGP 公鑰後，本中心寄給您的信件將以 PGP/MIME 加密，您寄來的簽章信件也會以此金鑰驗證。
pgp-account-current = 目前的金鑰指紋
pgp-account-none = 尚未上傳公鑰
pgp-account-key = 公鑰（ASCII armor 格式）
pgp-account-upload = 上傳公鑰
pgp-account-remove = 移除公鑰
pgp-account-saved = 已儲存公鑰
pgp-account-removed = 已移除公鑰

about-title = 本中心介紹（RFC 2350）
about-intro = 依 RFC 2350 格式說明本中心的任務、服務對象、政策與聯絡方式。
about-document-title = 文件資訊
about-document = 本文件的最新版本位於
about-contact-title = 聯絡資訊
about-name = 團隊名稱
about-address = 地址
about-phone = 電話
about-email = 電子郵件
about-pgp = OpenPGP 公鑰
about-pgp-none = 尚未設定
about-security-txt = security.txt
about-charter-title = 章程
about-mission-title = 任務
about-constituency-title = 服務對象
about-authority-title = 主管與權限
about-policies-title = 政策
about-services-title = 服務
about-forms-title = 事件通報表單
about-disclaimer-title = 免責聲明
error-pgp-upload-no-key = 此檔案為加密的 OpenPGP 訊息，但本中心未設定可解密的金鑰：請上傳未加密的檔案，或以電子郵件寄送。
error-pgp-upload-unreadable = 無法解開此加密的 OpenPGP 訊息：請以本中心的公開金鑰加密（指紋見首頁，或下載 /pgp-key.asc）。
