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
