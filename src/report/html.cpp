// The HTML report: a headline sentence per case with its verdict, the key numbers side by side,
// then the figures (src/report/figures.cpp), the assessment's messages, warnings, reserves, the
// NIOSH multipliers, the numbers behind the figures, and the sources. Everything inline.
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>

#include "dorsum/analysis.hpp"
#include "dorsum/report.hpp"
#include "report/report_internal.hpp"

namespace dorsum {
namespace report {
namespace {

constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 margin:24px auto;max-width:1280px;padding:0 16px;color:#222;line-height:1.4}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:28px 0 6px;border-bottom:1px solid #ddd}
h3{font-size:1.05em;margin:14px 0 4px}
.meta,.caption{color:#555;font-size:.92em;max-width:90ch}
.headline{font-size:1.2em;margin:10px 0}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:700;
 text-transform:uppercase;letter-spacing:.04em;margin-right:8px;font-size:.85em}
.verdict-acceptable{background:#1a7f37;color:#fff}.verdict-caution{background:#f2a900;color:#222}
.verdict-hazardous{background:#c62828;color:#fff}.verdict-unknown{background:#888;color:#fff}
.multiples{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
figure.panel{margin:0;border:1px solid #ddd;border-radius:4px;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:11px;fill:#333}
svg .view-title,svg .layer-title,svg .legend-title{font-weight:600;font-size:12px}
svg .bones line{stroke:#9a9a9a;stroke-width:3;stroke-linecap:round}
svg .ground{stroke:#bbb}
svg .fascicle{stroke-linecap:round;stroke-linejoin:round}
svg .load line{stroke:#1f4e9c;stroke-width:2}svg .load polygon{fill:#1f4e9c}
svg .support line{stroke:#2e7d32;stroke-width:2}svg .support polygon{fill:#2e7d32}
svg .load-label{fill:#1f4e9c}svg .support-label{fill:#2e7d32}
svg .tick,svg .grid{stroke:#e6e6e6}svg .zero{stroke:#555}
svg .bar.within{fill:#5b7fa8}svg .bar.over-action{fill:#f2a900}svg .bar.over-maximum{fill:#c62828}
svg .limit{stroke-width:1.5;stroke-dasharray:6 3}
svg .limit.action{stroke:#b8860b}svg .limit.maximum{stroke:#c62828}
svg .limit-label{font-size:10.5px;paint-order:stroke;stroke:#fff;stroke-width:3px}
svg .activation-bar{stroke:#0003;stroke-width:.5}svg .limit-label.action{fill:#7a5800}
svg .limit-label.maximum{fill:#c62828}
table{border-collapse:collapse;margin:8px 0}
th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.over-action{background:#fff0c2}td.over-maximum{background:#f8d0d0;font-weight:700}
ul.warnings li{color:#8a4b00}
details{margin:8px 0}summary{cursor:pointer}
@media print{body{margin:0;max-width:none}details{display:block}}
)";

std::string capitalise(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// One decimal, without the "-0.0" of a tiny negative number.
std::string fixed1(double v) {
  const std::string s = fmt::format("{:.1f}", v);
  return s == "-0.0" ? "0.0" : s;
}

std::string verdictBadge(const Json& case_result) {
  std::string verdict;
  if (const Json* a = findObject(case_result, "assessment")) verdict = findString(*a, "verdict");
  const bool known = verdict == "acceptable" || verdict == "caution" || verdict == "hazardous";
  return fmt::format("<span class=\"verdict verdict-{}\">{}</span>", known ? verdict : "unknown",
                     escapeHtml(verdict.empty() ? "not assessed" : verdict));
}

struct Peak {
  std::string level;
  double value = 0.0;
};

// The level the assessment names, else the largest value among the lumbar levels (or among
// all levels when there are none). `magnitude` compares absolute values (shear).
std::optional<Peak> peakOf(const Json& c, const char* assessment_key, const char* joint_key,
                           bool magnitude) {
  if (const Json* a = findObject(c, "assessment"))
    if (const Json* item = findObject(*a, assessment_key))
      if (auto v = findNumber(*item, "value_N")) return Peak{findString(*item, "level"), *v};
  std::optional<Peak> lumbar, any;
  if (const Json* joints = findArray(c, "joints"))
    for (const Json& j : *joints) {
      const auto v = findNumber(j, joint_key);
      if (!v) continue;
      const Peak p{findString(j, "name"), *v};
      const auto bigger = [&](const std::optional<Peak>& q) {
        return !q || (magnitude ? std::abs(p.value) > std::abs(q->value) : p.value > q->value);
      };
      if (bigger(any)) any = p;
      if (!p.level.empty() && p.level[0] == 'L' && bigger(lumbar)) lumbar = p;
    }
  return lumbar ? lumbar : any;
}

std::string compressionPhrase(const Peak& p, const Limits& l) {
  const std::string where = p.level.empty() ? "" : levelName(p.level) + " ";
  std::string judged;
  if (p.value < l.action_N)
    judged = fmt::format("below the {} N action limit", formatThousands(l.action_N));
  else if (p.value < l.maximum_N)
    judged = fmt::format("over the {} N action limit, below the {} N maximum",
                         formatThousands(l.action_N), formatThousands(l.maximum_N));
  else
    judged = fmt::format("over the {} N maximum", formatThousands(l.maximum_N));
  return fmt::format("{}compression {} N, {}", where, formatThousands(p.value), judged);
}

std::string shearPhrase(const Peak& p, const Limits& l) {
  const std::string where = p.level.empty() ? "" : levelName(p.level) + " ";
  const double v = std::abs(p.value);
  std::string judged;
  if (v < l.frequent_N)
    judged =
        fmt::format("below the {} N limit for frequent loading", formatThousands(l.frequent_N));
  else if (v < l.occasional_N)
    judged = fmt::format(
        "over the {} N limit for frequent loading, below the {} N limit for "
        "occasional loading",
        formatThousands(l.frequent_N), formatThousands(l.occasional_N));
  else
    judged =
        fmt::format("over the {} N limit for occasional loading", formatThousands(l.occasional_N));
  return fmt::format("{}shear {} N, {}", where, formatThousands(v), judged);
}

std::string headline(const Case& c) {
  const Limits l = limitsOf(*c.result);
  std::vector<std::string> parts;
  if (auto p = peakOf(*c.result, "compression", "compression_N", false))
    parts.push_back(compressionPhrase(*p, l));
  if (auto p = peakOf(*c.result, "shear", "shear_ap_N", true)) parts.push_back(shearPhrase(*p, l));
  std::string sentence =
      parts.empty() ? "no spinal loads in this result" : fmt::format("{}", fmt::join(parts, "; "));
  sentence = c.display.empty() ? capitalise(sentence) : c.display + ": " + sentence;
  return fmt::format("<p class=\"headline\">{}{}.</p>\n", verdictBadge(*c.result),
                     escapeHtml(sentence));
}

std::optional<double> jointValue(const Json& c, const char* level, const char* key) {
  if (const Json* joints = findArray(c, "joints"))
    for (const Json& j : *joints)
      if (findString(j, "name") == level) return findNumber(j, key);
  return std::nullopt;
}

std::string numberCell(std::optional<double> v, double action, double maximum) {
  if (!v) return "<td class=\"num\"></td>";
  const double m = std::abs(*v);
  const char* cls = m >= maximum ? " over-maximum" : m >= action ? " over-action" : "";
  return fmt::format("<td class=\"num{}\">{}</td>", cls, formatThousands(*v));
}

// The `count` most active muscles, both sides of a muscle in one entry when they agree.
std::string mostActive(const Json& c, size_t count) {
  struct Entry {
    double a = -1.0;
    std::string sides;
  };
  std::map<std::string, Entry> by_name;
  if (const Json* muscles = findArray(c, "muscles"))
    for (const Json& m : *muscles)
      if (auto a = findNumber(m, "activation")) {
        Entry& e = by_name[findString(m, "name")];
        const std::string side = findString(m, "side");
        if (std::abs(*a - e.a) < 0.005 && !side.empty())
          e.sides = "both sides";
        else if (*a > e.a)
          e.a = *a, e.sides = side;
      }
  std::vector<std::pair<std::string, Entry>> entries(by_name.begin(), by_name.end());
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& x, const auto& y) { return x.second.a > y.second.a; });
  std::vector<std::string> out;
  for (size_t i = 0; i < std::min(count, entries.size()); ++i) {
    const auto& [name, e] = entries[i];
    out.push_back(fmt::format("{}{} {:.2f}", escapeHtml(humanName(name)),
                              e.sides.empty() ? "" : " (" + escapeHtml(e.sides) + ")", e.a));
  }
  return fmt::format("{}", fmt::join(out, "<br>"));
}

std::string keyNumbers(const std::vector<Case>& cases) {
  std::string out =
      "<table class=\"key-numbers\"><tr><th>case</th><th>verdict</th>"
      "<th>L5/S1 compression, N</th><th>L5/S1 shear, N</th><th>L4/L5 compression, N</th>"
      "<th>L4/L5 shear, N</th><th>most active muscles (activation)</th></tr>\n";
  for (const Case& c : cases) {
    const Limits l = limitsOf(*c.result);
    out +=
        fmt::format("<tr><td>{}</td><td>{}</td>", escapeHtml(c.display), verdictBadge(*c.result));
    for (const char* level : {"L5_S1", "L4_L5"}) {
      out += numberCell(jointValue(*c.result, level, "compression_N"), l.action_N, l.maximum_N);
      out += numberCell(jointValue(*c.result, level, "shear_ap_N"), l.frequent_N, l.occasional_N);
    }
    out += fmt::format("<td>{}</td></tr>\n", mostActive(*c.result, 3));
  }
  return out + "</table>\n";
}

std::string section(const std::string& title, const std::string& caption,
                    const std::string& content) {
  if (content.empty()) return {};
  return fmt::format("<section>\n<h2>{}</h2>\n{}{}</section>\n", title,
                     caption.empty() ? "" : "<p class=\"caption\">" + caption + "</p>\n", content);
}

std::string formatValue(const Json& v) {
  if (v.is_number()) {
    const double d = v.get<double>();
    return std::isfinite(d) ? fmt::format("{:.3g}", d) : "";
  }
  if (v.is_string()) return escapeHtml(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  return escapeHtml(v.dump());
}

std::string postureTable(const std::vector<Case>& cases) {
  std::vector<std::string> keys;
  bool any = false;
  for (const Case& c : cases)
    if (const Json* p = findObject(*c.result, "posture")) {
      any = true;
      for (const auto& [k, v] : p->items())
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
  if (!any || keys.empty()) return {};
  std::string out = "<table class=\"posture\"><tr><th></th>";
  for (const Case& c : cases)
    out += fmt::format("<th>{}</th>", escapeHtml(c.display.empty() ? "value" : c.display));
  out += "</tr>\n";
  for (const std::string& k : keys) {
    std::string name = k;
    if (name.size() > 4 && name.ends_with("_deg"))
      name = name.substr(0, name.size() - 4) + " (deg)";
    out += fmt::format("<tr><td>{}</td>", escapeHtml(humanName(name)));
    for (const Case& c : cases) {
      const Json* p = findObject(*c.result, "posture");
      out +=
          fmt::format("<td class=\"num\">{}</td>", p && p->contains(k) ? formatValue((*p)[k]) : "");
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string caseHeading(const Case& c) {
  return c.display.empty() ? "" : fmt::format("<h3>{}</h3>\n", escapeHtml(c.display));
}

std::string findings(const std::vector<Case>& cases) {
  std::string out;
  for (const Case& c : cases) {
    std::string block;
    if (const Json* a = findObject(*c.result, "assessment"))
      if (const Json* messages = findArray(*a, "messages"); messages && !messages->empty()) {
        block += "<p>Assessment:</p><ul class=\"messages\">\n";
        for (const Json& m : *messages)
          if (m.is_string()) block += "<li>" + escapeHtml(m.get<std::string>()) + "</li>\n";
        block += "</ul>\n";
      }
    if (const Json* warnings = findArray(*c.result, "warnings"); warnings && !warnings->empty()) {
      block += "<p>Warnings:</p><ul class=\"warnings\">\n";
      for (const Json& w : *warnings)
        if (w.is_string()) block += "<li>" + escapeHtml(w.get<std::string>()) + "</li>\n";
      block += "</ul>\n";
    }
    if (const Json* reserves = findArray(*c.result, "reserves"); reserves && !reserves->empty()) {
      // The shortfalls worth a person's attention (0.5 N m or more); the JSON lists them all.
      std::string rows;
      int small = 0;
      for (const Json& r : *reserves) {
        const auto m = findNumber(r, "moment_Nm");
        if (m && std::abs(*m) < 0.5) {
          ++small;
          continue;
        }
        rows += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                            escapeHtml(findString(r, "coordinate")),
                            m ? fmt::format("{:.2f}", *m) : "", escapeHtml(findString(r, "note")));
      }
      block += "<p>Reserve actuators (moments the modelled muscles cannot supply):</p>\n";
      if (!rows.empty())
        block +=
            "<table class=\"reserves\"><tr><th>coordinate</th><th>moment, N m</th>"
            "<th>note</th></tr>\n" +
            rows + "</table>\n";
      if (small > 0)
        block += fmt::format(
            "<p class=\"caption\">{} {} coordinate{} need{} reserve moments "
            "below 0.5 N m (listed in the JSON).</p>\n",
            small, rows.empty() ? "" : "more", small == 1 ? "" : "s", small == 1 ? "s" : "");
    }
    if (auto r = findNumber(*c.result, "max_residual_Nm"))
      block += fmt::format("<p class=\"caption\">Largest balance residual {:.1e} N m.</p>\n", *r);
    if (!block.empty()) out += caseHeading(c) + block;
  }
  return out;
}

std::string nioshRowName(const std::string& key) {
  if (key == "rwl" || key == "rwl_kg") return "recommended weight limit (RWL), kg";
  if (key == "li") return "lifting index (LI)";
  return humanName(key);
}

std::string nioshTables(const std::vector<Case>& cases) {
  std::string out;
  for (const Case& c : cases) {
    const Json* niosh = findObject(*c.result, "niosh");
    if (!niosh) continue;
    std::vector<std::string> columns, rows, scalars;
    for (const auto& [k, v] : niosh->items()) {
      if (!v.is_object()) {
        scalars.push_back(fmt::format("{}: {}", escapeHtml(humanName(k)), formatValue(v)));
        continue;
      }
      columns.push_back(k);
      const auto addRow = [&](const std::string& row) {
        if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
      };
      if (const Json* m = findObject(v, "multipliers"))
        for (const auto& item : m->items()) addRow("multipliers/" + item.key());
      for (const auto& item : v.items())
        if (!item.value().is_object() && !item.value().is_array()) addRow(item.key());
    }
    out += caseHeading(c);
    if (!columns.empty()) {
      out += "<table class=\"niosh\"><tr><th></th>";
      for (const auto& col : columns) out += fmt::format("<th>{}</th>", escapeHtml(humanName(col)));
      out += "</tr>\n";
      for (const std::string& row : rows) {
        const bool multiplier = row.starts_with("multipliers/");
        const std::string key = multiplier ? row.substr(12) : row;
        out += fmt::format("<tr><td>{}</td>", escapeHtml(multiplier ? humanName(key) + " multiplier"
                                                                    : nioshRowName(key)));
        for (const auto& col : columns) {
          const Json& v = (*niosh)[col];
          const Json* holder = multiplier ? findObject(v, "multipliers") : &v;
          out += fmt::format("<td class=\"num\">{}</td>",
                             holder && holder->contains(key) ? formatValue((*holder)[key]) : "");
        }
        out += "</tr>\n";
      }
      out += "</table>\n";
    }
    if (!scalars.empty()) out += "<p>" + fmt::format("{}", fmt::join(scalars, "; ")) + "</p>\n";
  }
  return out;
}

std::string levelTables(const std::vector<Case>& cases) {
  std::string out;
  for (const Case& c : cases) {
    const Json* joints = findArray(*c.result, "joints");
    if (!joints || joints->empty()) continue;
    const Json* pressure = findObject(*c.result, "disc_pressure_MPa");
    out +=
        caseHeading(c) +
        "<table class=\"levels\"><tr><th>level</th><th>compression, N</th><th>AP shear, N</th>"
        "<th>lateral shear, N</th><th>moment x, y, z, N m</th><th>disc pressure, MPa</th></tr>\n";
    for (const Json& j : *joints) {
      const std::string name = findString(j, "name");
      const auto cell = [&](const char* key) {
        const auto v = findNumber(j, key);
        return v ? formatThousands(*v) : std::string();
      };
      std::string moment;
      if (j.is_object() && j.contains("moment_Nm"))
        if (auto m = toPoint(j["moment_Nm"]))
          moment = fmt::format("{}, {}, {}", fixed1((*m)[0]), fixed1((*m)[1]), fixed1((*m)[2]));
      const auto idp = pressure ? findNumber(*pressure, name.c_str()) : std::nullopt;
      out += fmt::format(
          "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
          escapeHtml(levelName(name)), cell("compression_N"), cell("shear_ap_N"),
          cell("shear_lateral_N"), moment, idp ? fmt::format("{:.2f}", *idp) : "");
    }
    out += "</table>\n";
  }
  return out.empty()
             ? out
             : "<details><summary>Every spinal level in numbers</summary>\n" + out + "</details>\n";
}

// The posterior ligaments of the lumbar levels: tension per kind (both sides added), shaded
// from half their failure force, bold red beyond it.
std::string ligamentTables(const std::vector<Case>& cases) {
  static const char* kKinds[] = {"supraspinous", "interspinous", "flavum", "capsular"};
  std::string out;
  for (const Case& c : cases) {
    const Json* ligaments = findArray(*c.result, "ligaments");
    if (!ligaments || ligaments->empty()) continue;
    std::map<std::pair<std::string, std::string>, std::pair<double, double>> cell;  // force, share
    for (const Json& l : *ligaments) {
      const std::string name = findString(l, "name"), joint = findString(l, "joint");
      const auto force = findNumber(l, "force_N"), share = findNumber(l, "failure_share");
      if (!force || !share) continue;
      for (const char* kind : kKinds)
        if (name.rfind(kind, 0) == 0) {
          auto& [f, s] = cell[{joint, kind}];
          f += *force;
          s = std::max(s, *share);
        }
    }
    out += caseHeading(c) +
           "<table class=\"levels\"><tr><th>level</th><th>supraspinous, N</th>"
           "<th>interspinous, N</th><th>flavum (both sides), N</th><th>capsules (both sides), "
           "N</th></tr>\n";
    for (size_t k = kLumbarJoints.size(); k-- > 0;) {  // T12/L1 first
      const char* level = kLumbarJoints[k];
      out += fmt::format("<tr><td>{}</td>", escapeHtml(levelName(level)));
      for (const char* kind : kKinds) {
        const auto it = cell.find({level, kind});
        if (it == cell.end()) {
          out += "<td class=\"num\">&ndash;</td>";
          continue;
        }
        const auto [force, share] = it->second;
        const char* cls = share >= 1.0 ? " over-maximum" : share >= 0.5 ? " over-action" : "";
        out += fmt::format("<td class=\"num{}\">{}</td>", cls, formatThousands(force));
      }
      out += "</tr>\n";
    }
    out += "</table>\n";
  }
  return out;
}

constexpr const char* kSources = R"(<section class="sources">
<h2>Sources</h2>
<ul>
<li>Compression limits, 3,400 N action limit and 6,400 N maximum: Waters TR, Putz-Anderson V,
Garg A, Fine LJ (1993). Revised NIOSH equation for the design and evaluation of manual lifting
tasks. Ergonomics 36(7):749&ndash;776.</li>
<li>Shear limits, 700 N for frequent and 1,000 N for occasional loading: Gallagher S, Marras WS
(2012). Tolerance of the lumbar spine to shear: a review and recommended exposure limits.
Clinical Biomechanics 27(10):973&ndash;978.</li>
<li>Intradiscal pressure, 1.5 &times; compression / endplate area: Nachemson A (1960). Lumbar
intradiscal pressure. Acta Orthopaedica Scandinavica Suppl. 43; endplate dimensions after
Panjabi et al. (1992), Spine 17(3):299&ndash;306 (docs/LOADS.md).</li>
<li>Colour scale of activation: ColorBrewer YlOrRd; Harrower M, Brewer CA (2003). ColorBrewer.org:
an online tool for selecting colour schemes for maps. The Cartographic Journal
40(1):27&ndash;37.</li>
<li>The model, its muscles and every anatomical number: docs/MODEL.md and
docs/ANATOMY_SOURCES.md of Dorsum.</li>
</ul>
</section>
)";

std::string title(const Json& result) {
  for (const char* key : {"scenario", "task"})
    if (const Json* s = findObject(result, key))
      if (std::string name = findString(*s, "name"); !name.empty()) return name;
  return "analysis";
}

std::string preamble(const Json& result) {
  std::string out = fmt::format("<h1>{}</h1>\n", escapeHtml(title(result)));
  for (const char* key : {"scenario", "task"})
    if (const Json* s = findObject(result, key)) {
      if (std::string d = findString(*s, "description"); !d.empty())
        out += "<p class=\"meta\">" + escapeHtml(d) + "</p>\n";
      if (std::string src = findString(*s, "source"); !src.empty())
        out += "<p class=\"meta\">Scenario: " + escapeHtml(src) + "</p>\n";
      break;
    }
  if (const Json* s = findObject(result, "subject")) {
    std::vector<std::string> parts;
    if (auto h = findNumber(*s, "height_m")) parts.push_back(fmt::format("{:.2f} m", *h));
    if (auto m = findNumber(*s, "mass_kg")) parts.push_back(fmt::format("{:.1f} kg", *m));
    if (std::string sex = findString(*s, "sex"); !sex.empty()) parts.push_back(escapeHtml(sex));
    if (!parts.empty())
      out += fmt::format("<p class=\"meta\">Subject: {}.</p>\n", fmt::join(parts, ", "));
  }
  return out;
}

// Conditions, strain, intra-abdominal pressure and fatigue: what scenarios add to a case.
std::string bodyState(const std::vector<Case>& cases) {
  std::string out;
  for (const Case& c : cases) {
    std::string block;
    if (const Json* iap = findObject(*c.result, "intra_abdominal_pressure"))
      if (auto p = findNumber(*iap, "pressure_kPa"))
        block += fmt::format(
            "<p>Intra-abdominal pressure {:.1f} kPa (force {} N between the thorax and the "
            "pelvis), held by the abdominal wall at an activation of at least {:.2f}.</p>\n",
            *p, formatThousands(findNumber(*iap, "force_N").value_or(0.0)),
            findNumber(*iap, "abdominal_wall_min_activation").value_or(0.0));
    if (const Json* conditions = findArray(*c.result, "conditions");
        conditions && !conditions->empty()) {
      block +=
          "<table><tr><th>condition</th><th>kind</th><th>what</th><th>mean activation of "
          "the muscles concerned</th></tr>\n";
      for (const Json& k : *conditions) {
        const std::string kind = findString(k, "kind");
        std::string what;
        if (kind == "stiffness")
          what = fmt::format("{} spine: range x {:g}, passive tissues x {:g}",
                             findString(k, "region"), findNumber(k, "range_scale").value_or(1.0),
                             findNumber(k, "passive_scale").value_or(1.0));
        else if (kind == "spasm")
          what =
              fmt::format("involuntary activation {:g}", findNumber(k, "activation").value_or(0.0));
        else
          what = fmt::format("strength x {:g}", findNumber(k, "strength").value_or(1.0));
        const auto a = findNumber(k, "mean_activation");
        block +=
            fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
                        escapeHtml(findString(k, "name")), escapeHtml(kind), escapeHtml(what),
                        a ? fmt::format("{:.2f}", *a) : "");
      }
      block += "</table>\n";
    }
    if (const Json* strain = findArray(*c.result, "strain"); strain && !strain->empty()) {
      block +=
          "<p>Strain risk: fascicles working stretched beyond their optimal length (active "
          "overstretch = activation &times; (fibre length / optimal length &minus; 1)):</p>\n"
          "<table><tr><th>fascicle</th><th>overstretch</th><th>activation</th><th>fibre "
          "length / optimal</th></tr>\n";
      size_t n = 0;
      for (const Json& f : *strain) {
        if (++n > 8) break;
        block += fmt::format(
            "<tr><td>{}</td><td class=\"num\">{:.2f}</td><td class=\"num\">{:.2f}</td><td "
            "class=\"num\">{:.2f}</td></tr>\n",
            escapeHtml(humanName(findString(f, "fascicle"))),
            findNumber(f, "overstretch").value_or(0.0), findNumber(f, "activation").value_or(0.0),
            findNumber(f, "normalized_fiber_length").value_or(0.0));
      }
      block += "</table>\n";
    }
    if (const Json* fatigue = findObject(*c.result, "fatigue")) {
      const auto e = findNumber(*fatigue, "endurance_time_min");
      block += fmt::format(
          "<p>Fatigue over the repeated task ({} of every {:g} s, {:g} min; {} rates): {}.</p>\n",
          fmt::format("{:.0f} %", 100.0 * findNumber(*fatigue, "duty_cycle").value_or(1.0)),
          findNumber(*fatigue, "cycle_s").value_or(0.0),
          findNumber(*fatigue, "duration_min").value_or(0.0),
          escapeHtml(findString(*fatigue, "region")),
          e ? fmt::format("the muscles can no longer hold it after {:.1f} min", *e)
            : std::string("the muscles hold it to the end"));
      if (const Json* t = findArray(*fatigue, "timeline"); t && !t->empty()) {
        block +=
            "<table><tr><th>time, min</th><th>L4/L5 compression, N</th><th>largest "
            "reserve, N m</th><th>lowest capacity</th></tr>\n";
        const size_t step = std::max<size_t>(1, t->size() / 6);
        for (size_t k = 0; k < t->size(); k += step) {
          const Json& row = (*t)[k];
          block += fmt::format(
              "<tr><td class=\"num\">{:.1f}</td><td class=\"num\">{}</td><td "
              "class=\"num\">{:.1f}</td><td class=\"num\">{:.2f}</td></tr>\n",
              findNumber(row, "time_min").value_or(0.0),
              formatThousands(findNumber(row, "L4_L5_compression_N").value_or(0.0)),
              findNumber(row, "max_reserve_Nm").value_or(0.0),
              findNumber(row, "min_capacity").value_or(0.0));
        }
        block += "</table>\n";
      }
      if (const Json* w = findArray(*fatigue, "work_shift"); w && !w->empty()) {
        block +=
            "<p>How the work shifted (active force at the start and the end):</p><table><tr>"
            "<th>muscle</th><th>side</th><th>start, N</th><th>end, N</th></tr>\n";
        for (const Json& r : *w)
          block += fmt::format(
              "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
              escapeHtml(humanName(findString(r, "muscle"))), escapeHtml(findString(r, "side")),
              formatThousands(findNumber(r, "active_force_start_N").value_or(0.0)),
              formatThousands(findNumber(r, "active_force_end_N").value_or(0.0)));
        block += "</table>\n";
      }
    }
    if (!block.empty()) out += caseHeading(c) + block;
  }
  return out;
}

}  // namespace
}  // namespace report

std::string renderHtmlReport(const nlohmann::ordered_json& result) {
  using namespace report;
  const std::vector<Case> cases = collectCases(result);
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Dorsum report: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
      escapeHtml(title(result)), kStyle);
  html += preamble(result);
  for (const Case& c : cases) html += headline(c);
  if (cases.empty()) html += "<p class=\"headline\">This result holds no analysis.</p>\n";
  if (!cases.empty())
    html += section("Key numbers",
                    "Cells over the action or frequent limit are shaded; bold "
                    "red is over the maximum or occasional limit.",
                    keyNumbers(cases));
  const std::string body = bodyFigures(cases);
  html += section("The body and its muscles",
                  "Every muscle fascicle, coloured by its activation; faint ones are (nearly) at "
                  "rest, and the most active are drawn on top. Bones are grey sticks; blue arrows "
                  "are loads held, green arrows the supports' forces. All panels share one scale.",
                  body.empty() ? "" : activationLegend() + body);
  html += section("Activation by layer",
                  "The most active muscles of each layer of the back, right (R) and left (L), on "
                  "a scale from 0 (at rest) to 1 (maximal).",
                  layerFigures(cases));
  html += section("Compression at every spinal level",
                  "From the sacrum (left) upward. Dashed lines: the NIOSH action limit and "
                  "maximum (Waters et al. 1993).",
                  compressionFigures(cases));
  html += section("Antero-posterior shear at every spinal level",
                  "Positive when the upper vertebra is pushed forward. Dashed lines: 700 N for "
                  "frequent and 1,000 N for occasional loading (Gallagher and Marras 2012).",
                  shearFigures(cases));
  html += section("Intradiscal pressure",
                  "Estimated as 1.5 &times; compression / endplate area (Nachemson 1960).",
                  discPressureFigures(cases));
  html += section("Assessment, warnings and reserves", "", findings(cases));
  html += section("Conditions, strain, abdominal pressure and fatigue", "", bodyState(cases));
  html += section("NIOSH lifting equation",
                  "The multipliers, recommended weight limit and "
                  "lifting index (Waters et al. 1993).",
                  nioshTables(cases));
  html += section("Posterior ligaments",
                  "Tension of the lumbar posterior ligaments, which take over from the muscles "
                  "in deep flexion and press the disc as they do. Shaded: over half the failure "
                  "force of isolated ligaments (Pintar et al. 1992); bold red: over it.",
                  ligamentTables(cases));
  html += section("Posture", "", postureTable(cases));
  html += section("Spinal loads in numbers", "", levelTables(cases));
  html += kSources;
  if (auto v = findNumber(result, "schema_version"))
    html += fmt::format(
        "<p class=\"meta\">Made by Dorsum from a result of schema version {:g}.</p>\n", *v);
  return html + "</body>\n</html>\n";
}

}  // namespace dorsum
