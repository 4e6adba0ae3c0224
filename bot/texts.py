"""Everything the bot says, in one place: formal but plain Bahasa Indonesia, HTML-safe (no user data here)."""

from __future__ import annotations

from knowledge.users import ADMIN, APPROVED, INACTIVE, PENDING, REJECTED

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
    "/pasal 7 ayat 5 PP 19/2022 — menampilkan bunyi pasal (bisa juga /pasal 7(5) atau /pasal 24)\n"
    "/sumber — daftar dokumen yang tersedia\n"
    "/bantuan — menampilkan petunjuk ini\n\n"
    "Di bawah setiap jawaban ada tombol <b>Teks lengkap</b>, <b>Pasal terkait</b>, serta 👍 / 👎 "
    "untuk memberi penilaian."
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
    "Permintaan pendaftaran Anda sedang menunggu persetujuan admin. "
    "Anda akan diberi tahu setelah permintaan diproses."
)
REJECTED_USER = (
    "Mohon maaf, permintaan pendaftaran Anda tidak disetujui, sehingga Sinergi belum dapat melayani Anda. "
    "Silakan hubungi sekretariat bila ada pertanyaan."
)
INACTIVE_USER = (
    "Mohon maaf, akun Sinergi Anda sudah dinonaktifkan. Silakan hubungi sekretariat bila ada pertanyaan."
)
ACCESS_BY_STATUS = {PENDING: PENDING_APPROVAL, REJECTED: REJECTED_USER, INACTIVE: INACTIVE_USER}

ADMIN_ONLY = "Perintah ini hanya dapat digunakan oleh admin Sinergi."
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
PASAL_USAGE = (
    "Tulis nomor pasal setelah perintah, misalnya:\n/pasal 7 ayat 5 PP 19/2022\n/pasal 7(5)\n/pasal 24"
)
TOO_LONG = (
    "Pertanyaan Anda terlalu panjang ({length} karakter). Mohon ringkas menjadi paling banyak "
    "{limit} karakter."
)
RATE_LIMITED = (
    "Anda sudah mengajukan {limit} pertanyaan dalam satu menit terakhir. Mohon tunggu sekitar "
    "{seconds} detik, lalu coba lagi."
)
SOURCES_HEADER = "<b>Sumber:</b>"
REVOKED_MARK = " <i>(dicabut)</i>"
NO_DOCUMENTS = "Basis pengetahuan belum berisi dokumen."
ANSWER_EXPIRED = "Jawaban ini sudah kedaluwarsa. Silakan ajukan pertanyaannya kembali."
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
ADMIN_UPLOAD_LATER = (
    "Unggah dokumen melalui bot akan tersedia pada versi berikutnya. Untuk sementara, tambahkan dokumen di "
    "server dengan perintah <code>python -m ingest FOLDER</code>."
)
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
