"""Benchmark of the JL4xx consistency rules (standalone; writes nothing unless --out).

  python bench/consistency.py [--records 100000] [--jobs 2] [--quick]

1. Per-record cost of each part of the style profile, against the slower reference
   libraries (textstat, langdetect, py3langid alone) on generated replies.
2. Language-detector accuracy on short replies in 14 languages.
3. Recall / precision per planted outlier kind on larger generated datasets.
4. Whole runs on N generated records: JL4 rules only, and every default rule.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests"), str(REPO / "tests" / "consistency")]

import synth  # noqa: E402
from jsonl_lint.config import settings_from_table  # noqa: E402
from jsonl_lint.diagnostics import RecordRef  # noqa: E402
from jsonl_lint.engine import Engine  # noqa: E402
from jsonl_lint.reader import Record  # noqa: E402
from jsonl_lint.style import language, profile, readability  # noqa: E402
from jsonl_lint.style.structure import structure  # noqa: E402

LANG_SAMPLES = {
    "en": ["Thanks for reaching out. Your order has shipped and should arrive within three business days.",
           "To reset your password, open the settings page and choose the security tab."],
    "es": ["Gracias por escribirnos. Su pedido ya fue enviado y llegará en tres días hábiles.",
           "Para restablecer la contraseña, abra la página de configuración y elija la pestaña de seguridad."],
    "pt": ["Obrigado pelo contato. O seu pedido foi enviado e deve chegar em três dias úteis.",
           "Para redefinir a senha, abra a página de configurações e escolha a guia de segurança."],
    "fr": ["Merci de nous avoir contactés. Votre commande a été expédiée et arrivera sous trois jours ouvrés.",
           "Pour réinitialiser votre mot de passe, ouvrez la page des paramètres et choisissez l'onglet sécurité."],
    "de": ["Danke für Ihre Nachricht. Ihre Bestellung wurde versandt und kommt in drei Werktagen an.",
           "Um Ihr Passwort zurückzusetzen, öffnen Sie die Einstellungen und wählen Sie den Reiter Sicherheit."],
    "it": ["Grazie per averci contattato. Il tuo ordine è stato spedito e arriverà entro tre giorni lavorativi.",
           "Per reimpostare la password, apri la pagina delle impostazioni e scegli la scheda sicurezza."],
    "nl": ["Bedankt voor uw bericht. Uw bestelling is verzonden en komt binnen drie werkdagen aan.",
           "Om uw wachtwoord opnieuw in te stellen, opent u de instellingen en kiest u het tabblad beveiliging."],
    "ro": ["Vă mulțumim că ne-ați contactat. Comanda dumneavoastră a fost expediată și va ajunge în trei zile.",
           "Pentru a reseta parola, deschideți pagina de setări și alegeți fila securitate."],
    "ru": ["Спасибо за обращение. Ваш заказ отправлен и прибудет в течение трёх рабочих дней.",
           "Чтобы сбросить пароль, откройте страницу настроек и выберите вкладку безопасности."],
    "zh": ["感谢您的联系。您的订单已经发货，预计三个工作日内送达。如有任何问题请随时联系我们。",
           "要重置密码，请打开设置页面并选择安全选项卡，然后按照屏幕上的提示完成操作。"],
    "ja": ["お問い合わせありがとうございます。ご注文の商品は発送済みで、三営業日以内に届きます。",
           "パスワードをリセットするには、設定ページを開いてセキュリティタブを選択してください。"],
    "ar": ["شكرا لتواصلك معنا. تم شحن طلبك وسيصل خلال ثلاثة أيام عمل.",
           "لإعادة تعيين كلمة المرور، افتح صفحة الإعدادات واختر علامة تبويب الأمان."],
    "pl": ["Dziękujemy za kontakt. Twoje zamówienie zostało wysłane i dotrze w ciągu trzech dni roboczych.",
           "Aby zresetować hasło, otwórz stronę ustawień i wybierz kartę bezpieczeństwo."],
    "tr": ["Bizimle iletişime geçtiğiniz için teşekkürler. Siparişiniz kargoya verildi ve üç iş günü içinde ulaşacak.",
           "Şifrenizi sıfırlamak için ayarlar sayfasını açın ve güvenlik sekmesini seçin."],
}


def per_us(fn, items, repeat=1) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        for x in items:
            fn(x)
    return (time.perf_counter() - t0) / (len(items) * repeat) * 1e6


def records_of(rows):
    import orjson

    out = []
    for i, v in enumerate(rows):
        text = orjson.dumps(v).decode()
        out.append(Record(RecordRef("bench.jsonl", i, i + 1, 1, 0, len(text)), text, value=v))
    return out


def profiling_costs(n: int) -> list[tuple[str, float]]:
    rows, _ = synth.dataset(11, n=n)
    texts = [r["messages"][-1]["content"] for r in rows]
    readability.load_syllables()
    language.identifier()
    rows_out = []
    readability.word_syllables.cache_clear()
    rows_out.append(("readability (textstat-equal, cold word cache)", per_us(readability.scores, texts)))
    rows_out.append(("readability (textstat-equal, warm)", per_us(readability.scores, texts)))
    readability.enable_offline_textstat(os.path.join(tempfile.mkdtemp(), "nltk_data"))
    from textstat.backend import metrics

    def textstat_both(t):  # a fresh string defeats textstat's per-text lru_cache
        t = t + " "
        metrics.flesch_kincaid_grade(t, "en_US")
        metrics.flesch_reading_ease(t, "en_US")

    textstat_both("warm up: NLTK loads cmudict on the first call")
    rows_out.append(("textstat 0.7.13 grade + ease (reference)", per_us(textstat_both, texts)))
    rows_out.append(("structure detection", per_us(structure, texts)))
    recs = records_of(rows)
    rows_out.append(("whole style profile (markers, grade, structure)", per_us(profile.profile_record, recs)))
    for r in recs:
        r.extra.clear()
    rows_out.append(("languages of reply + user (CLD2, confirm non-English)", per_us(profile.record_languages, recs)))
    import pycld2

    rows_out.append(("  CLD2 alone", per_us(lambda t: pycld2.detect(t), texts)))
    ident = language.identifier()
    rows_out.append(("  py3langid alone (restricted, normalized)", per_us(ident.classify, texts[:1000])))
    import langdetect
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0
    rows_out.append(("  langdetect 1.0.9 (seeded), reference", per_us(langdetect.detect, texts[:200])))
    return rows_out


def language_accuracy() -> list[tuple[str, str]]:
    import langdetect
    import pycld2
    import py3langid
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0

    def ld(t):
        try:
            return langdetect.detect(t).split("-")[0]
        except Exception:
            return None

    def cld(t):
        ok, _, det = pycld2.detect(t)
        return det[0][1].split("-")[0] if ok and det[0][1] != "un" else None

    detectors = {"langdetect": ld, "py3langid (all 97 languages)": lambda t: py3langid.classify(t)[0],
                 "CLD2 alone": cld, "jsonl-lint (CLD2 + py3langid confirm)": lambda t: language.detect(t, 20)}
    out = []
    for name, fn in detectors.items():
        right = wrong = none = 0
        for lang, texts in LANG_SAMPLES.items():
            for t in texts:
                cut = t if lang in ("zh", "ja") else " ".join(t.split()[:8])
                for x in (t, cut):
                    got = fn(x)
                    if got == lang:
                        right += 1
                    elif got is None:
                        none += 1
                    else:
                        wrong += 1
        out.append((name, f"{right} right, {wrong} wrong, {none} abstained of {right + wrong + none}"))
    return out


def planted(n: int, seeds=(0, 1, 2)) -> list[tuple[str, str]]:
    # Every finding counts here: max-findings=0 lifts the per-rule report cap.
    rules = {c: {"max-findings": 0} for c in ("JL401", "JL402", "JL403", "JL404", "JL405")}
    settings = settings_from_table({"select": ["JL4"], "rules": rules, "root": os.getcwd()}, None)
    totals: dict[str, list[int]] = {}
    for base in ("prose", "json"):
        for seed in seeds:
            rows, plan = synth.dataset(100 + seed, n=n, per_kind=max(5, n // 100), base_format=base)
            diags = Engine(settings).run_text(synth.to_jsonl(rows), "train.jsonl").diagnostics
            kinds = synth.PROSE_KINDS if base == "prose" else synth.JSON_KINDS
            for kind in kinds:
                flagged = {d.record.index for d in diags if d.record and synth.detects(kind, d.code, d.message)}
                truth = {i for i, k in plan.items() if k == kind}
                t = totals.setdefault(f"{kind} ({base} dataset)", [0, 0, 0])
                t[0] += len(flagged & truth)
                t[1] += len(truth)
                t[2] += len(flagged)
    return [(k, f"recall {tp / nt:.2f}, precision {tp / max(nf, 1):.2f} ({tp}/{nt} found, {nf} flagged)")
            for k, (tp, nt, nf) in totals.items()]


def whole_runs(records: int, jobs: int, all_rules_records: int) -> list[tuple[str, float]]:
    out = []
    tmp = tempfile.mkdtemp()
    for label, table, n in (("JL4 rules only", {"select": ["JL4"]}, records),
                            ("every default rule", {}, min(records, all_rules_records))):
        rows, _ = synth.dataset(7, n=n, per_kind=max(1, n // 200))
        path = os.path.join(tmp, "train.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(synth.to_jsonl(rows))
        settings = settings_from_table({**table, "root": tmp}, None)
        for j in sorted({1, jobs}):
            t0 = time.perf_counter()
            report = Engine(settings).run([path], jobs=j)
            dt = time.perf_counter() - t0
            out.append((f"{label}, jobs={j}: {len(rows):,} records, {len(report.diagnostics):,} findings", dt))
        os.unlink(path)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--all-rules-records", type=int, default=10_000,
                    help="size of the every-default-rule run (other bands' rules are slower)")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    args = ap.parse_args()
    n_profile, n_planted, n_whole = (500, 400, 2000) if args.quick else (5000, 5000, args.records)
    print(f"## Per-record profiling cost ({n_profile:,} generated replies, µs per reply)")
    for name, us in profiling_costs(n_profile):
        print(f"| {name} | {us:,.0f} |")
    print("\n## Language detection on 56 replies (28 full, 28 cut to 8 words) in 14 languages")
    for name, res in language_accuracy():
        print(f"| {name} | {res} |")
    print(f"\n## Planted outliers, {n_planted:,} consistent records + 1% per kind, 3 seeds")
    for name, res in planted(n_planted):
        print(f"| {name} | {res} |")
    print("\n## Whole runs (Engine(settings).run(files, jobs))")
    for name, dt in whole_runs(n_whole, args.jobs, args.all_rules_records):
        print(f"| {name} | {dt:.1f} s |")


if __name__ == "__main__":
    main()
