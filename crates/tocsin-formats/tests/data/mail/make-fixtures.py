#!/usr/bin/env python3
"""Writes the .eml fixtures of tests/mail_in.rs: real-shaped messages as mail clients and
MTAs send them. Run from this folder; the output is committed."""
import base64

CRLF = "\r\n"


def write(name, text, raw_tail=b""):
    with open(name, "wb") as f:
        f.write(text.replace("\n", CRLF).encode("utf-8") + raw_tail)


def b64(data, width=76):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + width] for i in range(0, len(s), width))


FORM = "情資種類：DEF\n情資主旨：網頁置換\n".encode("utf-16-le")

write("multipart-attachments.eml", f"""Return-Path: <soc@bank.example.tw>
From: =?utf-8?b?{base64.b64encode('銀行資安中心'.encode()).decode()}?= <SOC@Bank.Example.TW>
To: report@cert.example.tw
Cc: Desk <desk@cert.example.tw>
Subject: =?utf-8?b?{base64.b64encode('網站遭置換'.encode()).decode()}?=
Date: Tue, 01 Dec 2026 09:30:00 +0800
Message-ID: <a1@bank.example.tw>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

=E5=AE=98=E7=B6=B2=E9=A6=96=E9=A0=81=E9=81=AD=E7=BD=AE=E6=8F=9B
http://evil.example.net/x

--alt
Content-Type: text/html; charset=utf-8

<p>官網首頁遭置換</p>
--alt--

--outer
Content-Type: image/png; name="shot.png"
Content-Disposition: attachment; filename="shot.png"
Content-Transfer-Encoding: base64

{b64(bytes(range(256)))}

--outer
Content-Type: text/plain; name="form.txt"
Content-Disposition: attachment; filename="form.txt"
Content-Transfer-Encoding: base64

{b64(FORM)}
--outer--
""")

big5 = "您好：\n本行網站於今日上午遭到攻擊。\n".encode("big5")
write("big5-body.eml", f"""From: it@hospital.example.tw
To: report@cert.example.tw
Subject: =?big5?B?{base64.b64encode('醫院網站異常'.encode('big5')).decode()}?=
Message-ID: <b5@hospital.example.tw>
MIME-Version: 1.0
Content-Type: text/plain; charset=big5
Content-Transfer-Encoding: base64

{b64(big5)}
""")

write("gb18030-body.eml", f"""From: cert@partner.example.cn
To: share@cert.example.tw
Subject: =?gb18030?B?{base64.b64encode('威胁情报'.encode('gb18030')).decode()}?=
MIME-Version: 1.0
Content-Type: text/plain; charset=gb18030
Content-Transfer-Encoding: base64

{b64('发现恶意域名。'.encode('gb18030'))}
""")

write("utf16-attachment-no-charset.eml", f"""From: partner@isac.example.tw
To: share@cert.example.tw
Subject: intel
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=us-ascii

See the attached form.
--b
Content-Type: text/plain
Content-Disposition: attachment; filename="intel.txt"
Content-Transfer-Encoding: base64

{b64(FORM)}
--b--
""")

write("html-only.eml", """From: user@example.com
To: phishing@cert.example.tw
Subject: suspicious
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><style>p { color: red }</style><script>alert(1)</script></head>
<body><p>Look at <a href="http://phish.example.com/login">this</a> &amp; tell me.</p></body></html>
""")

write("forwarded.eml", """From: staff@company.example.tw
To: phishing@cert.example.tw
Subject: Fwd: Your account is locked
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="f"

--f
Content-Type: text/plain; charset=utf-8

Forwarding a phishing mail we got.
--f
Content-Type: message/rfc822
Content-Disposition: attachment; filename="original.eml"

Received: from mx.evil.example (203.0.113.66) by mail.company.example.tw
From: "Bank Support" <support@examp1e-bank.example>
To: staff@company.example.tw
Subject: Your account is locked
Content-Type: text/plain; charset=utf-8

Unlock it at hxxp://examp1e-bank[.]example/unlock now.
--f--
""")

write("reply-tracking.eml", """From: SOC <soc@bank.example.tw>
To: report@cert.example.tw
Subject: Re: [INC-2026-000123] Report received
In-Reply-To: <01a2@cert.example.tw>
References: <0199@cert.example.tw> <01a2@cert.example.tw>
Message-ID: <r1@bank.example.tw>
Content-Type: text/plain; charset=utf-8

The logs are attached tomorrow.

> earlier text
""")

write("auto-reply.eml", """From: soc@bank.example.tw
To: noreply@cert.example.tw
Subject: Out of office: [INC-2026-000123] Report received
Auto-Submitted: auto-replied
Content-Type: text/plain; charset=utf-8

I am away until Monday.
""")

write("bounce.eml", """Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.example.tw>
To: noreply@cert.example.tw
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="r"

--r
Content-Type: text/plain

The mail could not be delivered.
--r
Content-Type: message/delivery-status

Final-Recipient: rfc822; nobody@example.tw
Action: failed
Status: 5.1.1
--r--
""")

write("list.eml", """From: news@list.example.org
To: report@cert.example.tw
Subject: Weekly digest
List-Id: <digest.list.example.org>
Content-Type: text/plain; charset=utf-8

News.
""")

# Attachments over the limits: the test reads this with max_attachment_bytes = 2048 and
# max_attachments = 1, so evil.zip is too large and report.pdf one too many.
write("dropped-attachments.eml", f"""From: staff@company.example.tw
To: report@cert.example.tw
Subject: samples
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="d"

--d
Content-Type: text/plain; charset=utf-8

Samples attached.
--d
Content-Type: application/zip; name="evil.zip"
Content-Disposition: attachment; filename="evil.zip"
Content-Transfer-Encoding: base64

{b64(bytes(range(256)) * 12)}
--d
Content-Type: text/plain; charset=utf-8; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"

seen at 09:00
--d
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename="report.pdf"
Content-Transfer-Encoding: base64

{b64(b"%PDF-1.4 tiny")}
--d--
""")


def ew(text, charset="UTF-8"):
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


# An attached phishing mail whose header fields are encoded words (UTF-8 and Big5) and
# folded, as Taiwanese senders' mailers write them.
write("forwarded-encoded.eml", f"""From: staff@company.example.tw
To: phishing@cert.example.tw
Subject: Fwd: member notice
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="f"

--f
Content-Type: text/plain; charset=utf-8

Please check the attached mail.
--f
Content-Type: message/rfc822
Content-Disposition: attachment; filename="notice.eml"

Received: from mx.evil.example (203.0.113.66)
	by mail.company.example.tw; Mon, 7 Dec 2026 09:15:02 +0800
From: {ew('銀行客服', 'big5')} <Service@Examp1e-Bank.example>
To: staff@company.example.tw
Subject: {ew('會員')}
 {ew('帳戶停用通知')}
Date: Mon, 7 Dec 2026 09:15:00 +0800
Content-Type: text/plain; charset=utf-8

請於今日登入 hxxp://examp1e-bank[.]example/login 驗證。
--f--
""")

write("inline-gmail-en.eml", """From: Staff <staff@company.example.tw>
To: phishing@cert.example.tw
Subject: Fwd: Your account is locked
Date: Mon, 7 Dec 2026 10:02:11 +0800
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"

FYI, got this today.

---------- Forwarded message ---------
From: Bank Support <Support@Examp1e-Bank.example>
Date: Mon, Dec 7, 2026 at 9:15 AM
Subject: Your account is locked
To: <staff@company.example.tw>


Dear customer,
Unlock it at hxxp://examp1e-bank[.]example/unlock now.
""")

GMAIL_ZH = """請協助處理，謝謝。

---------- 轉寄的郵件 ---------
寄件者： 銀行客服 <service@examp1e-bank.example>
日期：2026年12月7日 週一 上午9:15
主旨：帳戶異常通知
收件者： <staff@company.example.tw>


親愛的客戶您好：
請點選 hxxp://examp1e-bank[.]example/verify 完成驗證。
"""

write("inline-gmail-zh.eml", f"""From: =?UTF-8?B?{base64.b64encode('王小明'.encode()).decode()}?= <staff@company.example.tw>
To: phishing@cert.example.tw
Subject: =?UTF-8?B?{base64.b64encode('Fwd: 帳戶異常通知'.encode()).decode()}?=
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: base64

{b64(GMAIL_ZH.replace(chr(10), CRLF).encode())}
""")

# Outlook (desktop, en): "Original Message" with [mailto:], and inside it an older forward
# with the line of underscores.
write("inline-outlook-en.eml", """From: Staff <staff@company.example.tw>
To: phishing@cert.example.tw
Subject: FW: Invoice overdue
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"

Another one.

-----Original Message-----
From: Accounts Team [mailto:accounts@invoices-examp1e.example]
Sent: Monday, December 7, 2026 9:15 AM
To: staff@company.example.tw
Subject: FW: Invoice overdue

Please see below.

________________________________
From: Billing <billing@invoices-examp1e.example>
Sent: Mon 12/7/2026 8:02 AM
To: Accounts Team
Subject: Invoice overdue

Pay at hxxp://invoices-examp1e[.]example/pay
""")

# Outlook (zh-TW): 原始郵件 with ASCII colons, then a bare block with full-width ones.
write("inline-outlook-zh.eml", """From: staff@company.example.tw
To: phishing@cert.example.tw
Subject: =?utf-8?B?""" + base64.b64encode('轉寄: 帳戶異常通知'.encode()).decode() + """?=
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

請協助確認。

-----原始郵件-----
寄件者: 銀行客服 [mailto:service@examp1e-bank.example]
寄件日期: 2026年12月7日 星期一 下午 03:20
收件者: staff@company.example.tw
主旨: 帳戶異常通知

我們偵測到異常登入，請至 hxxp://examp1e-bank[.]example/verify 驗證。

寄件者： 客服中心 <help@examp1e-bank.example>
寄件日期： 2026年12月7日 上午 09:15
收件者： 銀行客服
主旨： 帳戶異常通知 (草稿)

草稿內容
""")

# Apple Mail: plain text quoted with "> ", en; then zh-TW.
write("inline-apple.eml", """From: Staff <staff@company.example.tw>
To: phishing@cert.example.tw
Subject: Fwd: Delivery failed
MIME-Version: 1.0 (Mac OS X Mail 16.0)
Content-Type: text/plain; charset=utf-8

Suspicious.

> Begin forwarded message:
>
> From: "DHL Express" <noreply@dhl-examp1e.example>
> Subject: Delivery failed
> Date: December 7, 2026 at 9:15:00 AM GMT+8
> To: staff@company.example.tw
>
> Your parcel is on hold: hxxp://dhl-examp1e[.]example/track
>
> 開始轉寄的郵件：
>
> 寄件者: 物流中心 <center@dhl-examp1e.example>
> 主旨: 包裹待領
> 日期: 2026年12月7日 上午 8:05
> 收件者: noreply@dhl-examp1e.example
>
> 包裹待領通知
""")

# Thunderbird: en with tabs after the colons, then zh-TW.
write("inline-thunderbird.eml", """From: Staff <staff@company.example.tw>
To: phishing@cert.example.tw
Subject: Fwd: Password expiry
User-Agent: Mozilla Thunderbird
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8; format=flowed

See below.


-------- Forwarded Message --------
Subject: \tPassword expiry
Date: \tMon, 7 Dec 2026 09:15:00 +0800
From: \tIT Helpdesk <helpdesk@company-examp1e.example>
To: \tstaff@company.example.tw



Your password expires today: hxxp://company-examp1e[.]example/reset

-------- 轉寄的郵件 --------
主旨: \t密碼到期
日期: \t2026-12-07 08:00
寄件者: \t資訊室 <it@company-examp1e.example>
收件者: \thelpdesk@company-examp1e.example



密碼到期通知
""")

# Gmail, HTML only: the forward is found in the text reduced from HTML.
write("inline-html-only.eml", """From: staff@company.example.tw
To: phishing@cert.example.tw
Subject: Fwd: Your account is locked
MIME-Version: 1.0
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">FYI<br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: <strong class="gmail_sendername" dir="auto">Bank Support</strong> <span dir="auto">&lt;<a href="mailto:support@examp1e-bank.example">support@examp1e-bank.example</a>&gt;</span><br>Date: Mon, Dec 7, 2026 at 9:15 AM<br>Subject: Your account is locked<br>To: &lt;<a href="mailto:staff@company.example.tw">staff@company.example.tw</a>&gt;<br></div><br><br><div dir="ltr">Unlock it at <a href="http://examp1e-bank.example/unlock">this page</a>.</div></div></div>
""")
