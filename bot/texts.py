"""Everything the bot says, in one place: formal but plain Bahasa Indonesia, HTML-safe (no user data here)."""

from __future__ import annotations

from knowledge.operations.users import ADMIN, APPROVED, INACTIVE, PENDING, REJECTED

ROLE_NAMES = {ADMIN: "admin", "sekretariat": "sekretariat", "pejabat": "pejabat"}
STATUS_NAMES = {
    PENDING: "menunggu persetujuan",
    APPROVED: "aktif",
    REJECTED: "ditolak",
    INACTIVE: "nonaktif",
}

WELCOME = (
    "Selamat datang di <b>Sinergi</b>, asisten pengetahuan tentang dekonsentrasi dan tugas pembantuan.\n\n"
    "Sinergi menjawab pertanyaan berdasarkan peraturan dan notulen rapat yang tersedia, "
    "lengkap dengan pasal sumbernya."
)

HOW_TO_REGISTER = (
    "Untuk menggunakan Sinergi, silakan mendaftar terlebih dahulu dengan /daftar. "
    "Siapkan nama lengkap, unit kerja, dan kode undangan dari sekretariat jika ada."
)

HELP_MEMBER = (
    "<b>Cara bertanya</b>\n"
    "Tulis pertanyaan Anda langsung di chat ini, misalnya: <i>Apa yang dimaksud dengan dekonsentrasi?</i>\n"
    "Di grup, gunakan /tanya diikuti pertanyaan, sebut nama bot, atau balas pesan bot.\n\n"
    "<b>Perintah</b>\n"
    "/tanya PERTANYAAN — mengajukan pertanyaan\n"
    "/pasal {lookup} — menampilkan bunyi pasal (bisa juga {short})\n"
    "/sumber — daftar dokumen yang tersedia\n"
    "/status PERATURAN — apa yang mencabut atau mengubah suatu peraturan, pasal demi pasal\n"
    "/tindaklanjut — tindak lanjut rapat yang menjadi tanggung jawab unit Anda\n"
    "/berhenti, /langganan — berhenti atau kembali menerima pengumuman biasa\n"
    "/bantuan — menampilkan petunjuk ini\n\n"
    "Di bawah setiap jawaban ada tombol <b>Teks lengkap</b>, <b>Pasal terkait</b>, serta 👍 / 👎 "
    "untuk memberi penilaian."
)

HELP_SECRETARIAT = (
    "<b>Perintah sekretariat</b>\n"
    "/umumkan — menyusun dan mengirim pengumuman (teks, dokumen, atau foto) kepada pengguna terpilih\n"
    "/pengumuman — daftar pengumuman beserta laporan pengirimannya\n"
    "/tindaklanjut — seluruh tindak lanjut; tambah, ubah, dan saring per unit, status, atau rapat"
)

HELP_ADMIN = (
    "<b>Perintah admin</b>\n"
    "/pengguna — daftar pengguna dan permintaan pendaftaran\n"
    "/peran USER_ID PERAN — mengubah peran (admin, sekretariat, pejabat); juga mengaktifkan kembali pengguna\n"
    "/nonaktifkan USER_ID — menonaktifkan pengguna\n"
    "/izinkan_grup — mengaktifkan Sinergi di grup (jalankan di dalam grup tersebut)\n"
    "/cabut_grup — menonaktifkan Sinergi di grup (jalankan di dalam grup tersebut)"
)

NOT_REGISTERED = (
    "Mohon maaf, Sinergi hanya melayani pengguna yang sudah terdaftar. "
    "Silakan mendaftar dengan /daftar; admin akan memeriksa permintaan Anda."
)
PENDING_APPROVAL = (
    "Permintaan pendaftaran Anda sedang menunggu persetujuan admin. Anda akan diberi tahu setelah permintaan diproses."
)
REJECTED_USER = (
    "Mohon maaf, permintaan pendaftaran Anda tidak disetujui, sehingga Sinergi belum dapat melayani Anda. "
    "Silakan hubungi sekretariat bila ada pertanyaan."
)
INACTIVE_USER = "Mohon maaf, akun Sinergi Anda sudah dinonaktifkan. Silakan hubungi sekretariat bila ada pertanyaan."
ACCESS_BY_STATUS = {PENDING: PENDING_APPROVAL, REJECTED: REJECTED_USER, INACTIVE: INACTIVE_USER}

ADMIN_ONLY = "Perintah ini hanya dapat digunakan oleh admin Sinergi."
# A step of a dialogue taken after an admin changed the user's role (alerts: at most 200 characters).
STAFF_RIGHT_LOST = (
    "Peran Anda di Sinergi saat ini bukan sekretariat atau admin, sehingga langkah ini tidak dapat dilanjutkan."
)
PRIVATE_ONLY = "Perintah ini hanya dapat digunakan di chat pribadi dengan Sinergi."
GROUP_ONLY = "Jalankan perintah ini di dalam grup yang dimaksud."

GROUP_NOT_ENABLED = (
    "Sinergi belum diaktifkan di grup ini. Admin Sinergi dapat mengaktifkannya dengan menjalankan "
    "/izinkan_grup di grup ini."
)
GROUP_ENABLED = (
    "Sinergi sekarang aktif di grup ini. Ajukan pertanyaan dengan /tanya PERTANYAAN, "
    "dengan menyebut nama bot, atau dengan membalas pesan bot."
)
GROUP_DISABLED = "Sinergi tidak lagi aktif di grup ini."

ASK_USAGE = "Tulis pertanyaan setelah perintah, misalnya:\n/tanya Apa yang dimaksud dengan dekonsentrasi?"
STATUS_USAGE = "Tulis peraturannya setelah perintah, misalnya:\n/status UU 33/2004\n/status PP 19/2022"
STATUS_NOT_RECOGNISED = (
    "Peraturan tidak dikenali. Tulis jenis, nomor, dan tahunnya, misalnya <i>/status UU 33/2004</i>."
)
STATUS_NOT_INDEXED = (
    "Teks {doc} sendiri tidak ada dalam basis pengetahuan; keterangan di atas berasal dari peraturan lain."
)
PASAL_USAGE = "Tulis nomor pasal setelah perintah, misalnya:\n/pasal {lookup}\n{short_lines}"
# Without any regulation loaded there is nothing to show; the help still says how look-ups are written.
NO_EXAMPLE = {"lookup": "NOMOR ayat NOMOR PERATURAN", "short": "/pasal NOMOR", "short_lines": "/pasal NOMOR"}


def lookup_examples(doc: str | None, pasal: str, ayat: str | None, other: str) -> dict[str, str]:
    """The look-up examples of the help texts, from an article that is loaded."""
    if doc is None:
        return dict(NO_EXAMPLE)
    lookup = f"{pasal} ayat {ayat} {doc}" if ayat else f"{pasal} {doc}"
    short = [f"/pasal {pasal}({ayat})" if ayat else f"/pasal {pasal}", f"/pasal {other}"]
    return {"lookup": lookup, "short": " atau ".join(short), "short_lines": "\n".join(short)}


TOO_LONG = "Pertanyaan Anda terlalu panjang ({length} karakter). Mohon ringkas menjadi paling banyak {limit} karakter."
RATE_LIMITED = (
    "Anda sudah mengajukan {limit} pertanyaan dalam satu menit terakhir. Mohon tunggu sekitar "
    "{seconds} detik, lalu coba lagi."
)
SOURCES_HEADER = "<b>Sumber:</b>"
REVOKED_MARK = " <i>(dicabut)</i>"
NO_DOCUMENTS = "Basis pengetahuan belum berisi dokumen."
ANSWER_EXPIRED = "Jawaban ini sudah kedaluwarsa. Silakan ajukan pertanyaannya kembali."
NOT_YOUR_BUTTON = (
    "Tombol ini bukan untuk Anda: jawaban tersebut diberikan kepada pengguna lain. "
    "Silakan ajukan pertanyaan Anda sendiri."
)
SOURCE_GONE = "Sumber ini tidak lagi tersedia karena dokumennya telah diperbarui atau dihapus."
NO_RELATED = "Tidak ada pasal lain dalam dokumen yang sama yang dirujuk oleh sumber jawaban ini."

FEEDBACK_THANKS = "Terima kasih atas penilaian Anda."
FEEDBACK_COMMENT_INVITE = (
    "Terima kasih atas penilaian Anda. Jika berkenan, tuliskan komentar singkat sebagai balasan pesan ini "
    "(misalnya apa yang kurang tepat). Kirim /lewati bila tidak ingin berkomentar."
)
FEEDBACK_COMMENT_SAVED = "Komentar Anda sudah kami simpan. Terima kasih."
FEEDBACK_COMMENT_SKIPPED = "Baik, tanpa komentar. Terima kasih."
NOTHING_TO_SKIP = "Tidak ada yang perlu dilewati."
NOTHING_TO_CANCEL = "Tidak ada proses yang sedang berjalan."

UNSUPPORTED_MEDIA = {
    "sticker": "stiker",
    "photo": "gambar",
    "voice": "pesan suara",
    "audio": "berkas audio",
    "video": "video",
    "video_note": "pesan video",
    "animation": "animasi",
    "document": "berkas",
    "location": "lokasi",
    "contact": "kontak",
}
MEDIA_REPLY = "Mohon maaf, Sinergi belum dapat membaca {kind}. Silakan tulis pertanyaan Anda dalam bentuk teks."
UNKNOWN_COMMAND = "Perintah tidak dikenal. Kirim /bantuan untuk melihat daftar perintah."
ERROR = "Mohon maaf, terjadi kesalahan saat memproses permintaan Anda. Silakan coba lagi beberapa saat lagi."

# Registration
REG_ASK_NAME = "Pendaftaran Sinergi. Silakan tulis <b>nama lengkap</b> Anda.\n(Kirim /batal untuk membatalkan.)"
REG_ASK_UNIT = (
    "Terima kasih. Sekarang tulis <b>unit kerja</b> Anda, misalnya "
    "<i>Bappeda Provinsi Jawa Barat</i> atau <i>Ditjen Bina Adwil</i>."
)
REG_ASK_CODE = (
    "Jika Anda memiliki <b>kode undangan</b> dari sekretariat, tuliskan sekarang. "
    "Jika tidak, kirim /lewati dan permintaan Anda akan diteruskan kepada admin."
)
REG_BAD_NAME = "Mohon tulis nama lengkap Anda (2 sampai 100 karakter, tanpa perintah)."
REG_BAD_UNIT = "Mohon tulis nama unit kerja Anda (2 sampai 150 karakter, tanpa perintah)."
REG_BAD_CODE = (
    "Kode undangan tidak dikenali. Periksa kembali kode tersebut, atau kirim /lewati agar permintaan Anda "
    "diteruskan kepada admin."
)
REG_CODE_GIVE_UP = "Kode undangan masih belum dikenali, sehingga permintaan Anda kami teruskan kepada admin."
REG_APPROVED_BY_CODE = (
    "Pendaftaran berhasil. Selamat bergabung, {name}. Anda sekarang dapat bertanya kepada Sinergi; "
    "kirim /bantuan untuk melihat caranya."
)
REG_WAITING = (
    "Terima kasih, {name}. Permintaan pendaftaran Anda sudah diteruskan kepada admin. "
    "Anda akan diberi tahu setelah permintaan diproses."
)
REG_NO_ADMIN = (
    "Terima kasih, {name}. Permintaan pendaftaran Anda sudah dicatat, tetapi belum ada admin yang dapat "
    "menerimanya. Silakan hubungi sekretariat."
)
REG_CANCELLED = "Pendaftaran dibatalkan. Kirim /daftar bila ingin mendaftar lagi."
REG_TIMEOUT = "Pendaftaran dihentikan karena tidak ada jawaban. Kirim /daftar untuk memulai lagi."
REG_ALREADY = "Anda sudah terdaftar sebagai {role} ({unit}). Kirim /bantuan untuk melihat cara bertanya."
REG_IN_GROUP = "Pendaftaran dilakukan melalui chat pribadi dengan Sinergi. Silakan kirim /daftar di sana."
REG_REQUEST_FOR_ADMIN = (
    "<b>Permintaan pendaftaran baru</b>\nNama: {name}\nUnit kerja: {unit}\n"
    "ID Telegram: <code>{user_id}</code>{username}"
)
REG_APPROVE_BUTTON = "✅ Setujui"
REG_REJECT_BUTTON = "❌ Tolak"
REG_DECIDED_NOTE = "\n\n{mark} {verdict} oleh {admin}."
REG_ALREADY_DECIDED = "Permintaan ini sudah diproses sebelumnya (status: {status})."
REG_USER_APPROVED = (
    "Pendaftaran Anda disetujui. Selamat bergabung di Sinergi. Anda sekarang dapat bertanya; "
    "kirim /bantuan untuk melihat caranya."
)
REG_USER_REJECTED = (
    "Mohon maaf, permintaan pendaftaran Anda tidak disetujui. Silakan hubungi sekretariat bila ada pertanyaan."
)

# Administration
USERS_EMPTY = "Belum ada pengguna terdaftar."
ROLE_USAGE = "Gunakan: /peran USER_ID PERAN\nPeran yang tersedia: admin, sekretariat, pejabat."
DEACTIVATE_USAGE = "Gunakan: /nonaktifkan USER_ID"
UNKNOWN_USER = "Pengguna dengan ID {user_id} tidak ditemukan. Lihat daftar pengguna dengan /pengguna."
UNKNOWN_ROLE = "Peran “{role}” tidak dikenal. Peran yang tersedia: admin, sekretariat, pejabat."
ROLE_CHANGED = "Peran {name} (ID {user_id}) sekarang: {role}."
ROLE_CHANGED_USER = "Admin telah menetapkan peran Anda di Sinergi: {role}. Kirim /bantuan untuk melihat perintah."
DEACTIVATED = "{name} (ID {user_id}) sudah dinonaktifkan."
DEACTIVATED_USER = "Akun Sinergi Anda telah dinonaktifkan oleh admin."
CANNOT_DEACTIVATE_SELF = "Anda tidak dapat menonaktifkan akun Anda sendiri."
BOOTSTRAP_ADMIN_FIXED = (
    "Pengguna ini ditetapkan sebagai admin melalui konfigurasi ADMIN_IDS dan tidak dapat diubah di sini."
)

# Announcements (issue 6)
ANN_STAFF_ONLY = "Perintah ini hanya dapat digunakan oleh sekretariat atau admin Sinergi."
ANN_ASK_CONTENT = (
    "<b>Pengumuman baru</b>\nKirim isi pengumuman: tulis teksnya, atau kirim/teruskan dokumen atau foto "
    "(dengan keterangan bila perlu).\nKirim /batal untuk membatalkan."
)
ANN_UNSUPPORTED_CONTENT = (
    "Jenis pesan ini tidak dapat diumumkan. Kirim teks, dokumen, foto, video, atau audio; /batal untuk membatalkan."
)
ANN_TOO_LONG = "Pengumuman terlalu panjang ({length} karakter). Batasnya {limit} karakter; mohon diringkas."
ANN_PREVIEW_NOTE = "Di atas adalah pratinjau pesan yang akan diterima."
ANN_CHOOSE_AUDIENCE = "<b>Pilih penerima pengumuman.</b>"
ANN_EVERYONE_BUTTON = "Semua pengguna ({count})"
ANN_UNITS_BUTTON = "Per unit kerja"
ANN_ROLE_BUTTON = "Per peran"
ANN_GROUPS_BUTTON = "Grup yang diizinkan ({count})"
ANN_CHOOSE_UNITS = "<b>Pilih unit kerja</b> (boleh lebih dari satu), lalu tekan <b>Lanjut</b>."
ANN_CHOOSE_ROLE = "<b>Pilih peran penerima.</b>"
ANN_NEXT_BUTTON = "Lanjut ➡️"
ANN_BACK_BUTTON = "↩️ Kembali"
ANN_NO_UNIT_CHOSEN = "Pilih paling sedikit satu unit kerja."
ANN_NO_UNITS = "Belum ada pengguna aktif dengan unit kerja."
ANN_NO_GROUPS = "Belum ada grup yang diizinkan. Admin dapat mengizinkan grup dengan /izinkan_grup di grup tersebut."
ANN_NO_RECIPIENTS = "Tidak ada penerima untuk pilihan ini."
ANN_AUDIENCE_EVERYONE = "semua pengguna aktif"
ANN_AUDIENCE_ROLE = "peran {role}"
ANN_AUDIENCE_GROUPS = "grup yang diizinkan"
ANN_CONFIRM = (
    "<b>Pratinjau pengumuman</b>\nPenerima: {audience}\nJumlah penerima: <b>{count}</b>{opted_out}\n"
    "Waktu kirim: {when}\nSifat: {kind}\n\nPeriksa kembali, lalu tekan <b>Kirim</b>."
)
ANN_OPTED_OUT = "\n({count} pengguna tidak akan menerima karena berhenti berlangganan atau memblokir bot.)"
ANN_NOW = "segera"
ANN_KIND_MANDATORY = "<b>wajib</b> (tetap dikirim kepada yang berhenti berlangganan)"
ANN_KIND_NORMAL = "biasa"
ANN_SEND_BUTTON = "✅ Kirim"
ANN_SCHEDULE_BUTTON = "🕒 Jadwalkan"
ANN_SEND_NOW_BUTTON = "Kirim segera"
ANN_MANDATORY_BUTTON = "⚠️ Jadikan wajib"
ANN_NORMAL_BUTTON = "Jadikan biasa"
ANN_CHANGE_AUDIENCE_BUTTON = "↩️ Ubah penerima"
ANN_ABORT_BUTTON = "❌ Batal"
ANN_ADMIN_ONLY_MANDATORY = "Hanya admin yang dapat menjadikan pengumuman wajib."
ANN_MANDATORY_LOST = (
    "Peran Anda bukan lagi admin, sehingga pengumuman ini tidak dapat dikirim sebagai pengumuman wajib. "
    "Periksa kembali, lalu tekan Kirim."
)
ANN_ENDED_NO_RIGHT = "Penyusunan pengumuman dihentikan dan drafnya dihapus; tidak ada yang dikirim."
ANN_ASK_TIME = (
    "Tulis waktu pengiriman (WIB), misalnya <i>besok 08:00</i> atau <i>12 Maret 2024 09:00</i>.\n"
    "Kirim /batal untuk membatalkan."
)
ANN_TIME_ERRORS = {
    "unreadable": "Waktu tidak dikenali. Contoh: <i>besok 08:00</i> atau <i>12 Maret 2024 09:00</i>.",
    "no_time": "Sertakan jamnya, misalnya <i>besok 08:00</i>.",
    "past": "Waktu tersebut sudah lewat. Tulis waktu yang akan datang.",
}
ANN_USE_BUTTONS = "Gunakan tombol pada pesan pratinjau, atau kirim /batal untuk membatalkan."
ANN_ABORTED = "Pengumuman dibatalkan; tidak ada yang dikirim."
ANN_TIMEOUT = "Penyusunan pengumuman dihentikan karena tidak ada tanggapan. Kirim /umumkan untuk memulai lagi."
ANN_STALE = "Draf pengumuman ini sudah tidak berlaku. Mulai lagi dengan /umumkan."

# What recipients get
ANN_HEADER = "📢 <b>Pengumuman</b>"
ANN_HEADER_MANDATORY = "📢 <b>Pengumuman wajib</b>"
ANN_FOOTER = "<i>Kirim /berhenti bila tidak ingin menerima pengumuman lagi.</i>"

# Progress and reports
ANN_SCHEDULED = "🕒 <b>Pengumuman #{id}</b> dijadwalkan pada {when}.\nPenerima: {audience}."
ANN_PROGRESS = (
    "📤 <b>Pengumuman #{id}</b> sedang dikirim.\nPenerima: {audience}\n"
    "Diproses {done} dari {total}; terkirim {sent}.{problems}"
)
ANN_PROGRESS_PART = {"blocked": "{count} memblokir bot", "failed": "{count} gagal", "unknown": "{count} tidak pasti"}
ANN_CANCEL_BUTTON = "⏹ Batalkan pengiriman"
ANN_FINISHED = "✅ <b>Pengumuman #{id}</b> selesai: terkirim kepada {sent} dari {total} penerima. Laporan menyusul."
ANN_CANCELLED_DONE = "⏹ <b>Pengumuman #{id}</b> dibatalkan: sempat terkirim kepada {sent} dari {total} penerima."
ANN_REPORT_TITLE = "<b>Laporan pengumuman #{id}</b>"
ANN_REPORT_AUDIENCE = "Penerima: {audience} ({total})"
ANN_REPORT_STARTED = "Mulai dikirim: {when}"
ANN_REPORT_SENT = "✅ Terkirim: {count}"
ANN_REPORT_BLOCKED = "🚫 Memblokir bot atau tidak dapat dihubungi: {count}"
ANN_REPORT_FAILED = "❌ Gagal: {count}"
ANN_REPORT_UNKNOWN = (
    "❔ Tidak pasti: {count} (pengiriman terputus saat layanan berhenti; pesan mungkin sudah diterima, "
    "sehingga tidak dikirim ulang otomatis)"
)
ANN_REPORT_DROPPED = "⏹ Tidak dikirim karena dibatalkan: {count}"
ANN_REPORT_OPEN = "📤 Masih dalam antrean: {count}"
ANN_REPORT_SCHEDULED = "🕒 Dijadwalkan: {when}"
ANN_REPORT_MORE = "dan {count} lainnya"
ANN_REPORT_BLOCKED_NOTE = (
    "Pengguna yang memblokir bot tidak menerima pengumuman biasa berikutnya sampai mereka membuka blokir "
    "atau mengirim /langganan."
)
ANN_RESEND_BUTTON = "Kirim ulang ke {count} penerima tidak pasti"
ANN_RESENT = "{count} penerima tidak pasti dimasukkan kembali ke antrean."
ANN_NOTHING_TO_RESEND = "Tidak ada penerima tidak pasti pada pengumuman ini."
ANN_REASONS = {
    "bot was blocked by the user": "memblokir bot",
    "can't initiate conversation": "belum pernah memulai percakapan dengan bot",
    "user is deactivated": "akun Telegram sudah dihapus",
    "bot was kicked": "bot dikeluarkan dari grup",
    "not a member": "bot bukan anggota grup",
    "chat not found": "chat tidak ditemukan",
    "message to copy not found": "pesan asli sudah dihapus oleh pengirimnya",
    "group moved to supergroup": "grup dipindahkan menjadi supergrup",
    "too many requests": "dibatasi Telegram (terlalu banyak pesan)",
    "interrupted": "pengiriman terputus",
}
ANN_CANCEL_DONE = "Pengiriman pengumuman #{id} dihentikan."
ANN_CANCEL_TOO_LATE = "Pengumuman #{id} sudah selesai; tidak ada yang dibatalkan."
ANN_SCHEDULE_CANCELLED = "⏹ <b>Pengumuman #{id}</b> yang dijadwalkan telah dibatalkan; tidak ada yang dikirim."
# A scheduled announcement whose author may no longer send it when its time comes
# (knowledge/operations/announcements.py).
ANN_WITHDRAWN_AUTHOR = (
    "⏹ <b>Pengumuman #{id}</b> Anda yang dijadwalkan pada {when} dibatalkan dan tidak dikirim kepada siapa pun, "
    "karena {reason}.\n\n<i>{summary}</i>"
)
ANN_WITHDRAWN_AUTHOR_REASONS = {
    "inactive": "akun Sinergi Anda sudah tidak aktif",
    "role": "peran Anda bukan lagi sekretariat atau admin",
    "mandatory": "pengumuman wajib hanya dapat dikirim oleh admin, sedangkan peran Anda bukan lagi admin",
}
ANN_WITHDRAWN_ADMIN = (
    "⏹ <b>Pengumuman #{id}</b> dari {name} yang dijadwalkan pada {when} dibatalkan otomatis dan tidak dikirim, "
    "karena {reason}.\n\n<i>{summary}</i>\n\nBila pengumuman ini tetap perlu dikirim, buat ulang dengan /umumkan."
)
ANN_WITHDRAWN_REASONS = {
    "inactive": "akun pembuatnya sudah tidak aktif",
    "role": "pembuatnya bukan lagi sekretariat atau admin",
    "mandatory": "pengumuman wajib hanya dapat dikirim oleh admin, sedangkan pembuatnya bukan lagi admin",
}
ANN_WITHDRAWN_MARK = " otomatis ({reason})"

# /pengumuman
ANN_LIST_EMPTY = "Belum ada pengumuman. Buat pengumuman dengan /umumkan."
ANN_LIST_TITLE = "<b>Pengumuman terakhir</b>"
ANN_LIST_HINT = "Kirim /pengumuman NOMOR untuk melihat laporan lengkap."
ANN_STATUS = {"scheduled": "dijadwalkan", "sending": "sedang dikirim", "done": "selesai", "cancelled": "dibatalkan"}
ANN_LIST_COUNTS = "terkirim {sent} dari {total}"
ANN_NOT_FOUND = "Pengumuman #{id} tidak ditemukan. Lihat daftar dengan /pengumuman."
ANN_CANCEL_ITEM_BUTTON = "⏹ Batalkan #{id}"

# /berhenti and /langganan
ANN_STOPPED = (
    "Anda tidak akan lagi menerima pengumuman biasa dari Sinergi. Pengumuman wajib tetap dikirim. "
    "Kirim /langganan untuk menerima pengumuman kembali."
)
ANN_ALREADY_STOPPED = "Anda sudah berhenti menerima pengumuman biasa. Kirim /langganan untuk menerimanya kembali."
ANN_SUBSCRIBED = "Anda kembali menerima pengumuman dari Sinergi. Kirim /berhenti bila tidak ingin menerimanya lagi."
ANN_ALREADY_SUBSCRIBED = (
    "Anda sudah menerima pengumuman dari Sinergi. Kirim /berhenti bila tidak ingin menerimanya lagi."
)


# --- Follow-ups (tindak lanjut, issue 5) -----------------------------------------------------------------
TL_STATUS_NAMES = {
    "baru": "baru",
    "berjalan": "berjalan",
    "selesai": "selesai",
    "terlambat": "terlambat",
    "dibatalkan": "dibatalkan",
}
TL_DONE_BUTTON = "✅ Selesai #{id}"
TL_EXTEND_BUTTON = "📅 Minta perpanjangan #{id}"
TL_ISSUE_BUTTON = "⚠️ Ada kendala #{id}"
TL_APPROVE_BUTTON = "✅ Setujui"
TL_REJECT_BUTTON = "❌ Tolak"

TL_REMINDER_HEADER = "<b>Pengingat tindak lanjut</b>\nYth. {name}, berikut tindak lanjut yang perlu Anda selesaikan:"
TL_REMINDER_FOOTER = (
    "Gunakan tombol di bawah untuk melaporkan penyelesaian, meminta perpanjangan tenggat, "
    "atau menyampaikan kendala. Daftar lengkap: /tindaklanjut"
)
TL_DIGEST_HEADER = "<b>Ringkasan mingguan tindak lanjut</b> ({date})"

TL_DUE_TODAY = "hari ini"
TL_DUE_TOMORROW = "besok"
TL_DUE_IN = "{days} hari lagi"
TL_DUE_LATE = "terlambat {days} hari"
TL_NO_DUE = "belum ditentukan"
TL_NO_UNIT = "belum ditentukan"
TL_UNIT_LINE = "Unit: {units}"
TL_OFFICIALS_LINE = "Pejabat: {names}"
TL_DUE_LINE = "Tenggat: {due}"
TL_DUE_WORDS = " (tertulis: “{words}”)"
TL_SOURCE_LINE = "Sumber: {label}"
TL_MISSING_UNITS = "Belum ada pengguna terdaftar untuk: {units}"

TL_LIST_OWN = "<b>Tindak lanjut Anda yang belum selesai ({count})</b>"
TL_LIST_NONE_OWN = (
    "Tidak ada tindak lanjut terbuka untuk unit Anda ({unit}). Jika unit Anda tercatat berbeda, hubungi sekretariat."
)
TL_LIST_NONE = "Tidak ada tindak lanjut yang cocok."
TL_USAGE_MEMBER = (
    "<b>Tindak lanjut</b>\n"
    "/tindaklanjut — tindak lanjut Anda yang belum selesai\n"
    "/tindaklanjut lihat ID — rincian dan riwayat satu tindak lanjut\n"
    "/tindaklanjut selesai ID CATATAN — melaporkan tindak lanjut selesai"
)
TL_USAGE_SECRETARIAT = (
    "\n/tindaklanjut unit NAMA · status STATUS · rapat KATA — menyaring daftar (dapat digabung)\n"
    "/tindaklanjut tambah — mencatat tindak lanjut baru (dipandu)\n"
    "/tindaklanjut ubah ID tenggat|unit|teks|pejabat|status NILAI — mengubah tindak lanjut\n"
    "/tindaklanjut batal ID CATATAN — membatalkan tindak lanjut\n"
    "Perubahan juga dapat dikirim dengan membalas pesan Sinergi yang memuat #ID, misalnya "
    "<i>tenggat 30 April 2024</i> atau <i>selesai sudah dikirim</i>."
)
TL_SECRETARIAT_ONLY = "Perintah ini hanya dapat digunakan oleh sekretariat atau admin Sinergi."
TL_NOT_FOUND = "Tindak lanjut #{id} tidak ditemukan. Lihat daftar dengan /tindaklanjut."
TL_NOT_YOURS = "Tindak lanjut #{id} bukan tanggung jawab unit Anda."
TL_ALREADY_CLOSED = "Tindak lanjut #{id} sudah berstatus {status}."
TL_BAD_STATUS = "Status “{status}” tidak dikenal. Pilih: baru, berjalan, selesai, terlambat, dibatalkan."
TL_BAD_FIELD = "Bagian “{field}” tidak dikenal. Yang dapat diubah: tenggat, unit, teks, pejabat, status."
TL_BAD_DATE = (
    "Tanggal “{text}” belum dapat dibaca. Tulis misalnya <i>30 April 2024</i>, <i>akhir Mei 2024</i>, "
    "atau <i>2 minggu lagi</i>."
)
TL_DATE_NOT_LATER = "Tanggal baru harus setelah {date}."
TL_EMPTY_TEXT = "Uraian tindak lanjut tidak boleh kosong."
TL_HISTORY = "<b>Riwayat</b>"
TL_CHANGED = "Tindak lanjut #{id} diperbarui: {changes}."
TL_UNCHANGED = "Tidak ada yang berubah pada tindak lanjut #{id}."
TL_CANCELLED_ITEM = "Tindak lanjut #{id} dibatalkan."
TL_CLOSED_BY_SECRETARIAT = "Tindak lanjut #{id} dicatat selesai."
TL_REPLY_WHICH = (
    "Pesan yang Anda balas memuat beberapa tindak lanjut. Awali balasan dengan nomornya, misalnya <i>#{id} selesai</i>."
)
TL_REPLY_USAGE = (
    "Balasan tidak dikenali. Tulis misalnya <i>selesai CATATAN</i>, <i>batal CATATAN</i>, "
    "<i>tenggat 30 April 2024</i>, <i>unit Bappeda Provinsi Jawa Barat</i>, atau <i>status berjalan</i>."
)

# Buttons under a reminder
TL_ASK_DONE_NOTE = (
    "Tindak lanjut #{id}: tuliskan catatan singkat penyelesaiannya dalam satu baris, atau kirim dokumen "
    "buktinya. Kirim /batal untuk membatalkan."
)
TL_ASK_NEW_DATE = (
    "Tindak lanjut #{id} (tenggat {due}): sampai kapan Anda memerlukan perpanjangan? Tulis tanggalnya, misalnya "
    "<i>30 April 2024</i> atau <i>2 minggu lagi</i>, boleh disertai alasannya. Kirim /batal untuk membatalkan."
)
TL_ASK_ISSUE = (
    "Tindak lanjut #{id}: ceritakan kendala yang Anda hadapi. Pesan Anda akan diteruskan kepada sekretariat. "
    "Kirim /batal untuk membatalkan."
)
TL_DONE_THANKS = "Terima kasih. Tindak lanjut #{id} dicatat <b>selesai</b> dan sekretariat sudah diberi tahu."
TL_DONE_FOR_SECRETARIAT = (
    "✅ <b>Tindak lanjut #{id} dilaporkan selesai</b> oleh {name} ({unit}).\n{text}\nCatatan: {note}"
)
TL_EVIDENCE_CAPTION = "Bukti penyelesaian tindak lanjut #{id} dari {name}."
TL_EXTENSION_SENT = (
    "Permintaan perpanjangan tindak lanjut #{id} sampai <b>{date}</b> sudah diteruskan kepada sekretariat. "
    "Anda akan diberi tahu keputusannya."
)
TL_EXTENSION_FOR_SECRETARIAT = (
    "📅 <b>Permintaan perpanjangan tindak lanjut #{id}</b>\n{text}\nDari: {name} ({unit})\n"
    "Tenggat saat ini: {current}\nDiminta sampai: <b>{proposed}</b>\nAlasan/pesan: {note}"
)
TL_EXTENSION_DECIDED_NOTE = "\n\n{mark} {verdict} oleh {name}."
TL_EXTENSION_ALREADY = "Permintaan ini sudah diputuskan sebelumnya ({status})."
TL_EXTENSION_APPROVED_USER = (
    "Permintaan perpanjangan tindak lanjut #{id} <b>disetujui</b>. Tenggat baru: <b>{date}</b>."
)
TL_EXTENSION_REJECTED_USER = (
    "Mohon maaf, permintaan perpanjangan tindak lanjut #{id} tidak disetujui sekretariat. Tenggat tetap {date}. "
    "Silakan hubungi sekretariat bila perlu."
)
TL_ISSUE_SENT = "Terima kasih. Kendala pada tindak lanjut #{id} sudah diteruskan kepada sekretariat."
TL_ISSUE_FOR_SECRETARIAT = "⚠️ <b>Kendala pada tindak lanjut #{id}</b>\n{text}\nDari: {name} ({unit})\nKendala: {note}"
TL_NO_SECRETARIAT = "Catatan: belum ada sekretariat atau admin yang dapat menerima pemberitahuan ini."
TL_INPUT_CANCELLED = "Baik, dibatalkan."
TL_INPUT_TEXT_ONLY = "Mohon kirim teks (atau dokumen bukti untuk penyelesaian). Kirim /batal untuk membatalkan."
TL_INPUT_ENDED = "Isian ini dihentikan; tidak ada yang dicatat."
TL_ADD_ENDED_NO_RIGHT = "Pencatatan tindak lanjut baru dihentikan; tidak ada yang disimpan."

# Guided add
TL_ADD_ASK_TEXT = (
    "Mencatat tindak lanjut baru. Tuliskan <b>uraian</b> tindak lanjutnya.\n(Kirim /batal untuk membatalkan.)"
)
TL_ADD_ASK_UNITS = (
    "Unit <b>penanggung jawab</b>? Pisahkan dengan koma bila lebih dari satu, misalnya "
    "<i>Bappeda Prov. Jabar, Biro Pemerintahan Setda Prov. Jabar</i>. Kirim <b>-</b> bila belum ditentukan."
)
TL_ADD_ASK_DUE = (
    "<b>Tenggat</b>? Tulis misalnya <i>30 April 2024</i>, <i>akhir Triwulan II 2024</i>, atau <i>2 minggu lagi</i>. "
    "Kirim <b>-</b> bila belum ada tenggat."
)
TL_ADD_ASK_OFFICIALS = (
    "Nama <b>pejabat</b> yang ditunjuk (opsional, pisahkan dengan koma)? Kirim /lewati bila tidak ada."
)
TL_ADD_SAVED = "Tindak lanjut <b>#{id}</b> dicatat.\n\n{item}"

# Documents: upload, list, remove, reindex (issue 7; the upload report itself is rendered by bot/views/upload_report.py)
HELP_ADMIN += (  # extended here so the document commands stay next to their texts
    "\n/ingest — memasukkan dokumen (kirim PDF, DOCX, MD, atau TXT dengan keterangan /ingest)\n"
    "/dokumen — daftar dokumen dengan status, versi, dan jumlah bagian\n"
    "/hapus NAMA — menghapus dokumen, misalnya /hapus PP 7/2008\n"
    "/reindex — membangun ulang indeks pencarian"
    "\nFoto dokumen (atau album foto) dibaca dengan OCR; teksnya ditampilkan dahulu untuk diperiksa sebelum "
    "dimasukkan."
)
DOC_SEND_FILE = (
    "Silakan kirim berkas PDF, DOCX, MD, atau TXT dalam {minutes} menit ke depan. Berkas akan diperiksa, "
    "lalu dimasukkan ke basis pengetahuan."
)
DOC_OFFER = (
    "Berkas <b>{name}</b> belum dimasukkan ke basis pengetahuan. Tekan tombol di bawah untuk memasukkannya, "
    "atau kirim berkas dengan keterangan /ingest."
)
DOC_OFFER_BUTTON = "📥 Masukkan ke basis pengetahuan"
DOC_OFFER_EXPIRED = "Tawaran ini sudah kedaluwarsa. Kirim ulang berkasnya dengan keterangan /ingest."
DOC_OFFER_TAKEN = "Berkas <b>{name}</b> sedang diproses."
DOC_PROGRESS = "⏳ Memproses <b>{name}</b>"
DOC_PROGRESS_DONE = "✅ Selesai memproses <b>{name}</b>"
DOC_PROGRESS_FAILED = "❌ <b>{name}</b> tidak dimasukkan"
DOC_WAITING = "menunggu proses dokumen lain selesai…"
DOC_DOWNLOADING = "mengunduh…"
DOC_DOWNLOAD_FAILED = "Berkas <b>{name}</b> tidak dapat diunduh dari Telegram. Silakan kirim ulang beberapa saat lagi."
DOC_INTERNAL_ERROR = (
    "❌ Berkas <b>{name}</b> gagal diproses karena kesalahan internal. Basis pengetahuan tidak berubah; "
    "versi yang ada tetap dipakai untuk menjawab."
)
DOC_LIST_HEADER = "<b>Dokumen dalam basis pengetahuan ({count})</b>"
DOC_LIST_UPLOADED = "unggahan"
DOC_LIST_SERVER = "folder server"
DOC_LIST_FOOTER = (
    "Tambahkan atau perbarui dokumen dengan /ingest, hapus dengan /hapus NAMA (nama singkat atau nama berkas), "
    "dan bangun ulang indeks dengan /reindex."
)
DOC_REMOVE_USAGE = (
    "Gunakan: /hapus NAMA, misalnya /hapus PP 7/2008 atau /hapus pp-7-2008.pdf. Lihat daftar dokumen dengan /dokumen."
)
DOC_NOT_FOUND = "Dokumen “{name}” tidak ditemukan. Lihat daftar dokumen dengan /dokumen."
DOC_AMBIGUOUS = (
    "Ada beberapa dokumen yang cocok dengan “{name}”:\n{choices}\nTulis nama singkat atau nama berkas yang lebih tepat."
)
DOC_REMOVE_CONFIRM = (
    "Hapus <b>{doc}</b>{title} dari basis pengetahuan?\n{details}\n"
    "Bagian dan tindak lanjut dari dokumen ini ikut dihapus, begitu pula berkasnya di folder unggahan."
)
DOC_REMOVE_BUTTON = "🗑 Ya, hapus"
DOC_CANCEL_BUTTON = "Batal"
DOC_REMOVE_CANCELLED = "Penghapusan dibatalkan; dokumen tetap ada."
DOC_REMOVE_GONE = "Dokumen ini sudah berubah atau sudah dihapus. Jalankan /hapus lagi bila perlu."
DOC_REMOVING = "⏳ Menghapus <b>{doc}</b>…"
DOC_REMOVE_FAILED = "❌ Penghapusan gagal karena kesalahan internal. Basis pengetahuan tidak berubah."
DOC_REINDEX_EMPTY = "Basis pengetahuan belum berisi dokumen; tidak ada indeks yang perlu dibangun ulang."
DOC_REINDEX_CONFIRM = (
    "Bangun ulang seluruh indeks pencarian ({documents} dokumen, {passages} bagian)?\n"
    "Selama proses, pertanyaan tetap dijawab dengan indeks yang ada; indeks baru dipakai setelah selesai."
)
DOC_REINDEX_BUTTON = "🔄 Ya, bangun ulang"
DOC_REINDEX_CANCELLED = "Pembangunan ulang indeks dibatalkan."
DOC_REINDEX_PROGRESS = "⏳ Membangun ulang indeks pencarian"
DOC_REINDEX_PROGRESS_DONE = "✅ Indeks pencarian selesai dibangun ulang"
DOC_REINDEX_PROGRESS_FAILED = "❌ Pembangunan ulang indeks gagal"
DOC_REINDEX_DONE = (
    "✅ Indeks pencarian selesai dibangun ulang: {passages} bagian dari {documents} dokumen ({vectors} vektor) "
    "dalam {seconds} detik. Pertanyaan berikutnya memakai indeks baru."
)
DOC_REINDEX_FAILED = (
    "❌ Pembangunan ulang indeks gagal karena kesalahan internal. Indeks yang ada tetap dipakai; tidak ada yang "
    "berubah."
)
DOC_CHANGED_NOTICE = (
    "ℹ️ <b>{doc}</b> baru saja diperbarui. Ketentuan yang Anda tanyakan dalam {days} hari terakhir berubah: "
    "{articles}.\nPertanyaan Anda: “{question}”\n"
    "Silakan ajukan kembali pertanyaan tersebut untuk mendapatkan jawaban berdasarkan versi terbaru."
)
DOC_NOTICES_SENT = (
    "Pemberitahuan perubahan dikirim kepada {count} pengguna yang menanyakan ketentuan tersebut dalam {days} hari "
    "terakhir."
)


# --- Reports for the secretariat (issue 17): /laporan and /umpanbalik -----------------------------------
HELP_SECRETARIAT += (  # extended here so the report commands stay next to their texts
    "\n/laporan — laporan tindak lanjut (berkas Excel) dan grafik per unit; dapat disaring: "
    "/laporan rapat NAMA, /laporan unit NAMA, /laporan sejak 2024-01-01"
)
HELP_ADMIN += "\n/umpanbalik — jawaban yang diberi 👎: pertanyaan, bagian yang dikutip, dan komentarnya"
REPORT_STAFF_ONLY = "Perintah ini hanya dapat digunakan oleh sekretariat atau admin Sinergi."
REPORT_USAGE = (
    "Saringan yang dapat dipakai (boleh digabung):\n"
    "/laporan rapat NAMA — tindak lanjut dari rapat tertentu, misalnya <i>/laporan rapat Bandung</i>\n"
    "/laporan unit NAMA — tindak lanjut satu unit, misalnya <i>/laporan unit Bappeda Jabar</i>\n"
    "/laporan sejak TANGGAL — rapat sejak tanggal itu, misalnya <i>/laporan sejak 2024-01-01</i>"
)
REPORT_UNKNOWN_FILTER = "Saringan “{text}” tidak dikenal.\n\n" + REPORT_USAGE
REPORT_EMPTY_FILTER = "Saringan “{text}” perlu diisi.\n\n" + REPORT_USAGE
REPORT_BAD_DATE = (
    "Tanggal “{text}” tidak dapat dibaca. Tulis misalnya <i>/laporan sejak 2024-01-01</i>, "
    "<i>/laporan sejak 1 Januari 2024</i>, atau <i>/laporan sejak Januari 2024</i>."
)
REPORT_NO_ITEMS = "Tidak ada tindak lanjut yang cocok dengan saringan {filters}. Laporan tidak dibuat."
REPORT_CHART_CAPTION = (
    "📊 Tindak lanjut per unit, {date}{filters}: {total} butir — {done} selesai, {progress} dalam proses, "
    "{late} terlambat, {undated} tanpa tenggat."
)
REPORT_WORKBOOK_CAPTION = (
    "📄 Laporan tindak lanjut {date}{filters}: {items} butir tindak lanjut, {announcements} pengumuman, "
    "{feedback} umpan balik 👎. Lembar: Tindak Lanjut, Rekap per Unit, Pengumuman, Umpan Balik Negatif."
)
REPORT_FILTERS = " ({filters})"
FEEDBACK_REVIEW_NONE = "Belum ada jawaban yang diberi 👎."
FEEDBACK_REVIEW_HEADER = "<b>Umpan balik 👎 ({total})</b> — halaman {page} dari {pages}, terbaru lebih dahulu"
FEEDBACK_REVIEW_ITEM = (
    "<b>#{id}</b> · {at} · {user}\n<b>Pertanyaan:</b> {question}\n<b>Dikutip:</b> {citations}\n"
    "<b>Komentar:</b> {comment}"
)
FEEDBACK_REVIEW_NO_CITATIONS = "tidak ada bagian yang dikutip"
FEEDBACK_REVIEW_NO_COMMENT = "tanpa komentar"
FEEDBACK_REVIEW_PREVIOUS = "◀ Sebelumnya"
FEEDBACK_REVIEW_NEXT = "Berikutnya ▶"


# --- Pending prompts and questions; the sandbox's own commands (issue 15) ---------------------------------
# One line before the answer, when a message sent while a prompt waited was read as a question.
PROMPT_COMMENT_DROPPED = "Pesan Anda dijawab sebagai pertanyaan; komentar untuk penilaian sebelumnya tidak dicatat."
PROMPT_INPUT_DROPPED = (
    "Pesan Anda dijawab sebagai pertanyaan; isian untuk tindak lanjut #{id} dibatalkan (tekan tombolnya lagi bila "
    "perlu)."
)
PROMPT_ADD_DROPPED = (
    "Pesan Anda dijawab sebagai pertanyaan; pencatatan tindak lanjut baru dihentikan (mulai lagi dengan "
    "/tindaklanjut tambah)."
)
HELP_SECRETARIAT += (  # the secretariat records meetings: it may add their minutes and recommendation lists
    "\n/ingest — memasukkan notulen atau daftar rekomendasi rapat (kirim berkasnya dengan keterangan /ingest)"
)
HELP_SANDBOX = (
    "<b>Perintah sandbox</b> (hanya di terminal sandbox)\n"
    "/sebagai NAMA_ATAU_PERAN — berganti pengguna contoh: admin, sekretariat, pejabat (atau <i>pejabat UNIT</i>), "
    "tamu; masing-masing punya chat sendiri\n"
    "/kirim PATH [keterangan] — mengirim berkas dari komputer ini sebagai dokumen, misalnya "
    "<i>/kirim notulen.md /ingest</i>\n"
    "/waktu +3h | +2d | 2024-03-28 08:00 — memajukan atau mengatur jam sandbox; pengingat yang jatuh tempo "
    "langsung dikirim (/waktu saja: jam sekarang, /waktu reset: kembali ke jam komputer)\n"
    "/tekan N — menekan tombol nomor N pada pesan terakhir yang bertombol (juga #N)"
)
STAFF_ONLY = "Perintah ini hanya dapat digunakan oleh sekretariat atau admin Sinergi."
DOC_ADMIN_TYPES_ONLY = (
    "Berkas ini dikenali sebagai {identity}. Sekretariat dapat memasukkan notulen dan daftar rekomendasi rapat; "
    "dokumen jenis lain hanya dapat dimasukkan oleh admin."
)
DOC_UPLOAD_RIGHT_LOST = "Peran Anda di Sinergi saat ini tidak lagi memungkinkan memasukkan dokumen."

# --- Follow-up screens (issue 15): one message per screen, paged, with filters -----------------------------
TL_VIEW_TITLES = {
    "t": "Tindak lanjut terbuka",
    "n": "Tindak lanjut baru",
    "j": "Tindak lanjut berjalan",
    "l": "Tindak lanjut terlambat",
    "s": "Tindak lanjut selesai",
    "b": "Tindak lanjut dibatalkan",
    "c": "Tindak lanjut selesai atau dibatalkan",
    "a": "Semua tindak lanjut",
    "u": "Tindak lanjut tanpa tenggat",
    "x": "Tindak lanjut yang unitnya belum ada pengguna terdaftar",
}
TL_VIEW_TITLE = "<b>{title} ({count})</b>"
TL_VIEW_OWN_TITLE = "<b>Tindak lanjut Anda: {title} ({count})</b>"
TL_VIEW_PAGE = "halaman {page} dari {pages}"
TL_VIEW_FILTERS = "Saringan: {filters}"
TL_VIEW_HINT = "Rincian dan riwayat: /tindaklanjut lihat ID"
TL_VIEW_EMPTY = "Tidak ada tindak lanjut pada saringan ini."
TL_LINE_NO_DUE = "tanpa tenggat"
TL_LINE_DUE_WORDS = "tanpa tenggat (“{words}”)"
TL_BUTTON_PREV = "◀"
TL_BUTTON_NEXT = "▶"
TL_BUTTON_PAGE = "{page}/{pages}"
TL_FILTER_BUTTONS = {"t": "Terbuka", "l": "Terlambat", "s": "Selesai", "a": "Semua"}
TL_FILTER_CHOSEN = "• {label}"
TL_BUTTON_UNITS = "🏢 Per unit"
TL_BUTTON_UNIT_CHOSEN = "🏢 {unit}"
TL_BUTTON_DUPLICATES = "🔁 Mungkin duplikat ({count})"
TL_BUTTON_UNDATED = "📭 Tanpa tenggat ({count})"
TL_BUTTON_UNASSIGNED = "👤 Tanpa pengguna ({count})"
TL_BUTTON_FULL_LIST = "📋 Daftar lengkap"
TL_BUTTON_LATE_LIST = "⏰ Terlambat ({count})"
TL_BUTTON_BACK = "↩️ Kembali ke daftar"
TL_ATTENTION_TITLE = "<b>Perlu perhatian sekretariat</b>"
TL_ATTENTION_LATE = "⏰ {count} terlambat"
TL_ATTENTION_UNDATED = "📭 {count} tanpa tenggat ({ids})"
TL_ATTENTION_UNASSIGNED = "👤 {count} belum menjangkau pengguna ({ids})"
TL_ATTENTION_MISSING_UNITS = "Unit tanpa pengguna terdaftar: {units}"
TL_ATTENTION_DUPLICATES = "🔁 {count} pasang mungkin duplikat"
TL_MORE_IDS = "{ids}, +{more}"
TL_MORE_UNITS = "{units}, dan {more} lainnya"
TL_UNITS_TITLE = "<b>Pilih unit</b> ({title}; {count} unit)"
TL_UNITS_ALL = "Semua unit"
TL_UNITS_EXPIRED = "Daftar unit ini sudah berubah. Buka lagi dengan /tindaklanjut."
TL_STAFF_ONLY_ALERT = "Tombol ini hanya untuk sekretariat atau admin Sinergi."

# "Mungkin duplikat": two items of one meeting that may say the same thing (knowledge/operations/duplicates.py)
TL_DUP_TITLE = "<b>Mungkin duplikat</b> ({number} dari {count})"
TL_DUP_SIMILARITY = "Kemiripan uraian: {percent}%."
TL_DUP_DIFFERENCES = "Berbeda: {what}."
TL_DUP_DIFF_UNITS = "unit"
TL_DUP_DIFF_DUE = "tenggat"
TL_DUP_QUESTION = (
    "Gabungkan #{item} ke #{other}? Unit #{item} ikut menjadi unit #{other}; riwayat keduanya tetap tersimpan."
)
TL_DUP_MERGE_BUTTON = "🔗 Gabungkan #{item} ke #{other}"
TL_DUP_DISMISS_BUTTON = "✖ Bukan duplikat"
TL_DUP_NONE = "Tidak ada lagi pasangan yang mungkin duplikat."
TL_DUP_MERGED = "#{item} digabung ke #{other}."
TL_DUP_DISMISSED = "Dicatat: #{item} dan #{other} bukan duplikat."
TL_DUP_GONE = "Pasangan ini sudah diputuskan atau salah satu butirnya sudah berubah."
TL_MERGED_NOTE = "Digabung ke #{id}; lihat /tindaklanjut lihat {id}"

# The weekly digest: one message (issue 17 may send its chart as a photo above it)
TL_DIGEST_TOTALS = "Terbuka {open} · terlambat {late} · tanpa tenggat {undated}"
TL_DIGEST_UNITS = "<b>Per unit</b> (terbuka / terlambat)"
TL_DIGEST_UNIT_LINE = "• {unit}: {open} / {late}"
TL_DIGEST_LATE = "<b>Terlambat ({count})</b>"
TL_DIGEST_MORE = "… dan {count} lainnya (tombol di bawah)"
TL_DIGEST_MORE_UNITS = "… dan {count} unit lainnya"
DIGEST_CHART_CAPTION = "📊 Tindak lanjut per unit. Laporan lengkap (Excel): /laporan"

# Photos of documents from admins (bot/handlers/photos.py): read by OCR, shown for confirmation, then ingested.
PHOTO_PROGRESS = "⏳ Membaca teks dari {pages} foto"
PHOTO_PROGRESS_DONE = "✅ Teks dari {pages} foto selesai dibaca"
PHOTO_PROGRESS_FAILED = "❌ Teks dari {pages} foto tidak dapat dibaca"
PHOTO_PREVIEW = (
    "<b>Teks yang terbaca dari {pages} foto</b> (keyakinan OCR rata-rata {confidence}%). Periksa dahulu; "
    "teks ini belum dimasukkan ke basis pengetahuan."
)
PHOTO_PAGE = "<b>Halaman {number}</b>"
PHOTO_CLIPPED = "… (dipotong; seluruh teks akan dimasukkan)"
PHOTO_RECOGNISED = "Dikenali sebagai {kind}: <b>{identity}</b>{followups}."
PHOTO_FOLLOWUPS = ", dengan {count} butir tindak lanjut"
PHOTO_UNRECOGNISED = "Jenis dokumennya belum dapat dikenali dari teks ini; periksa kembali fotonya."
PHOTO_CONFIRM_BUTTON = "📥 Benar, masukkan"
PHOTO_CANCEL_BUTTON = "Batal"
PHOTO_CANCELLED = "Foto tidak dimasukkan ke basis pengetahuan."
PHOTO_EXPIRED = "Pratinjau ini sudah kedaluwarsa. Kirim ulang fotonya."
PHOTO_TAKEN = "Teks dari foto sedang dimasukkan sebagai <b>{name}</b>."
PHOTO_FAILED = "Foto tidak dapat dimasukkan: {reason}"
PHOTO_INTERNAL_ERROR = "Mohon maaf, foto tidak dapat dibaca karena kesalahan internal. Basis pengetahuan tidak berubah."
