// The spec parser on gcc 12's captured help text: every line is accounted
// for, each quirk is read as gcc's text says, and the parser survives
// malformed input.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "backends/gcc/gcc_spec.h"
#include "cgym/errors.h"
#include "gcc_test_util.h"

namespace cgym::gcc {
namespace {

using test::gcc12_text;

const GccOption& option(const GccSpec& spec, const std::string& display) {
  auto i = spec.find(display);
  if (!i) throw std::runtime_error("no option " + display);
  return spec.options[*i];
}

bool excluded(const GccSpec& spec, const std::string& text, const std::string& reason_part) {
  for (const auto& e : spec.excluded) {
    if (e.text == text && e.reason.find(reason_part) != std::string::npos) return true;
  }
  return false;
}

int count_option_lines(const std::string& text, const std::string& prefix) {
  int n = 0;
  size_t pos = 0;
  while ((pos = text.find("\n" + prefix, pos)) != std::string::npos) {
    ++n;
    ++pos;
  }
  return n;
}

TEST(GccSpecParse, EveryListedLineIsAnOptionValueOrAnExclusion) {
  const auto text = gcc12_text();
  const GccSpec spec = parse_gcc_spec(text);
  const int optimizer_lines = count_option_lines(text.optimizers_q, "  -");
  const int param_lines = count_option_lines(text.params_q, "  -");
  EXPECT_EQ(optimizer_lines, 264);  // what NOTES.md records for gcc 12 here
  EXPECT_EQ(param_lines, 279);
  // The five -O lines (-O<number>, -Ofast, -Og, -Os, -Oz) make one option.
  const int o_lines = count_option_lines(text.optimizers_q, "  -O");
  EXPECT_EQ(o_lines, 5);
  EXPECT_EQ(static_cast<int>(spec.options.size() + spec.excluded.size()),
            optimizer_lines + param_lines - (o_lines - 1));
  EXPECT_FALSE(spec.probed);
  EXPECT_EQ(spec.version, text.version);
}

TEST(GccSpecParse, OptimizationLevels) {
  const GccSpec spec = parse_gcc_spec(gcc12_text());
  const auto& o = spec.options.front();  // "O" sorts before lower-case names
  EXPECT_EQ(o.kind, OptionKind::kOptLevel);
  EXPECT_EQ(o.values, (std::vector<std::string>{"0", "1", "2", "3", "fast", "g", "s", "z"}));
  EXPECT_EQ(o.value_text(2), "-O2");
  EXPECT_EQ(o.value_text(6), "-Os");
}

TEST(GccSpecParse, QuirksReadAsGccWritesThem) {
  const GccSpec spec = parse_gcc_spec(gcc12_text());
  // An enumeration, with its default.
  const auto& fp = option(spec, "-ffp-contract=");
  EXPECT_EQ(fp.kind, OptionKind::kFlagEnum);
  EXPECT_EQ(fp.values, (std::vector<std::string>{"off", "on", "fast"}));
  EXPECT_EQ(fp.default_value, "fast");
  // A <min,max> range next to the flag of the same name.
  const auto& dse = option(spec, "-flifetime-dse=");
  EXPECT_EQ(dse.kind, OptionKind::kFlagInt);
  EXPECT_EQ(dse.min, 0);
  EXPECT_EQ(dse.max, 2);
  EXPECT_EQ(option(spec, "-flifetime-dse").kind, OptionKind::kFlag);
  // <number>: any int.
  const auto& stalled = option(spec, "-fsched-stalled-insns=");
  EXPECT_EQ(stalled.kind, OptionKind::kFlagInt);
  EXPECT_EQ(stalled.min, 0);
  EXPECT_EQ(stalled.max, kGccIntMax);
  // Params: a range, an unranged integer with a negative default, a plain
  // one, and lists read from the description (wrapped after a hyphen).
  const auto& align = option(spec, "--param=align-threshold");
  EXPECT_EQ(align.kind, OptionKind::kParamInt);
  EXPECT_EQ(align.min, 1);
  EXPECT_EQ(align.max, 65536);
  EXPECT_EQ(align.default_value, "100");
  const auto& stride = option(spec, "--param=prefetch-minimum-stride");
  EXPECT_EQ(stride.min, -1);
  EXPECT_EQ(stride.max, kGccIntMax);
  const auto& unroll = option(spec, "--param=max-unroll-times");
  EXPECT_EQ(unroll.min, 0);
  EXPECT_EQ(unroll.max, kGccIntMax);
  EXPECT_EQ(unroll.default_value, "8");
  EXPECT_EQ(option(spec, "--param=evrp-mode").values,
            (std::vector<std::string>{"legacy", "ranger", "legacy-first", "ranger-first"}));
  EXPECT_EQ(option(spec, "--param=ranger-debug").values,
            (std::vector<std::string>{"none", "trace", "gori", "cache", "tracegori", "all"}));
  EXPECT_EQ(option(spec, "--param=vrp1-mode").values, (std::vector<std::string>{"vrp", "ranger"}));
  // "-fno-threadsafe-statics" is listed: the option is "threadsafe-statics".
  EXPECT_EQ(option(spec, "-fthreadsafe-statics").default_value, "[available in C++, ObjC++]");
  EXPECT_FALSE(spec.find("-fno-threadsafe-statics"));
  // Aliases and value forms gcc does not describe.
  EXPECT_TRUE(excluded(spec, "-fhandle-exceptions", "alias of -fexceptions"));
  EXPECT_TRUE(excluded(spec, "-flive-patching", "alias of -flive-patching=inline-clone"));
  EXPECT_TRUE(excluded(spec, "-falign-functions=", "does not describe"));
  EXPECT_TRUE(excluded(spec, "-fpatchable-function-entry=", "does not describe"));
  EXPECT_EQ(option(spec, "-falign-functions").kind, OptionKind::kFlag);
  EXPECT_EQ(option(spec, "-flive-patching=").values,
            (std::vector<std::string>{"inline-only-static", "inline-clone"}));
  // Descriptions come from the help without -Q.
  EXPECT_EQ(option(spec, "-fpeel-loops").description, "Perform loop peeling.");
  EXPECT_EQ(option(spec, "-flifetime-dse=").description, "");  // "lacks documentation"
}

TEST(GccSpecParse, SortedOptimizersThenParams) {
  const GccSpec spec = parse_gcc_spec(gcc12_text());
  bool in_params = false;
  std::string previous;
  for (const auto& o : spec.options) {
    if (o.is_param() && !in_params) {
      in_params = true;
      previous.clear();
    }
    EXPECT_EQ(o.is_param(), in_params) << o.display_name();
    std::string key = o.name;
    if (o.kind == OptionKind::kFlagEnum || o.kind == OptionKind::kFlagInt) key += "=";
    EXPECT_LT(previous, key);
    previous = key;
  }
  EXPECT_TRUE(in_params);
}

TEST(GccSpecParse, ValueTextAndChoiceOfAreInverse) {
  const GccSpec spec = parse_gcc_spec(gcc12_text());
  std::set<std::string> all_texts;
  for (const auto& o : spec.options) {
    const int64_t n = o.size();
    ASSERT_GT(n, 0) << o.display_name();
    for (int64_t c : {int64_t{0}, int64_t{1}, n / 2, n - 1}) {
      if (c >= n) continue;
      const std::string t = o.value_text(c);
      EXPECT_EQ(o.choice_of(t), c) << t;
      all_texts.insert(t);
    }
    EXPECT_THROW(o.value_text(n), InvalidArgument);
    EXPECT_THROW(o.value_text(-1), InvalidArgument);
  }
  // Each text belongs to exactly one option.
  for (const auto& t : all_texts) {
    int owners = 0;
    for (const auto& o : spec.options) owners += o.choice_of(t).has_value();
    EXPECT_EQ(owners, 1) << t;
  }
  const auto& unroll = spec.options[*spec.find("--param=max-unroll-times")];
  EXPECT_EQ(unroll.choice_of("--param=max-unroll-times=7"), 7);
  EXPECT_FALSE(unroll.choice_of("--param=max-unroll-times=-1"));
  EXPECT_FALSE(unroll.choice_of("--param=max-unroll-times=2147483648"));
  EXPECT_FALSE(unroll.choice_of("--param=max-unroll-times=+3"));
}

TEST(GccSpecParse, JsonRoundTrip) {
  GccSpec spec = parse_gcc_spec(gcc12_text());
  spec.probe_notes.push_back({"-fx", "a note"});
  spec.probed = true;
  const GccSpec back = GccSpec::from_json(nlohmann::json::parse(spec.to_json().dump()));
  EXPECT_EQ(back, spec);
  auto j = spec.to_json();
  j["format"] = 999;
  EXPECT_THROW(GccSpec::from_json(j), InvalidArgument);
  EXPECT_THROW(GccSpec::from_json(nlohmann::json::array()), InvalidArgument);
  j = spec.to_json();
  j["options"][3].erase("kind");
  EXPECT_THROW(GccSpec::from_json(j), InvalidArgument);
}

TEST(GccSpecParse, ChoicesToArgs) {
  const GccSpec spec = parse_gcc_spec(gcc12_text());
  std::vector<int64_t> choices(spec.options.size(), -1);
  EXPECT_TRUE(choices_to_args(spec, choices).empty());
  choices[0] = 3;
  choices[*spec.find("-fpeel-loops")] = 1;
  choices[*spec.find("--param=max-unroll-times")] = 4;
  EXPECT_EQ(choices_to_args(spec, choices),
            (std::vector<std::string>{"-O3", "-fno-peel-loops", "--param=max-unroll-times=4"}));
  choices[0] = 8;
  EXPECT_THROW(choices_to_args(spec, choices), InvalidArgument);
  choices[0] = -2;
  EXPECT_THROW(check_choices(spec, choices), InvalidArgument);
  choices.pop_back();
  EXPECT_THROW(check_choices(spec, choices), InvalidArgument);
}

TEST(GccSpecParse, HelpDescriptionsJoinWrappedLines) {
  const auto d = parse_gcc_help_descriptions(
      "The following options control parameters:\n"
      "  --param=a=                  first part\n"
      "                              second part.\n"
      "  --param=some-long-name=[x|y] Uses a very-\n"
      "                              long word.\n"
      "\n"
      "  -fz                         Z.\n");
  EXPECT_EQ(d.at("--param=a="), "first part second part.");
  EXPECT_EQ(d.at("--param=some-long-name=[x|y]"), "Uses a very-long word.");
  EXPECT_EQ(d.at("-fz"), "Z.");
}

TEST(GccSpecParse, OddLines) {
  GccHelpText t;
  t.optimizers_q =
      "The following options control optimizations:\n"
      "  -fgood                      [enabled]\n"
      "  -fgood                      [disabled]\n"
      "  -fbad=<3,1>                 \n"
      "  -fhuge=<0,99999999999>      \n"
      "  -fweird=[a||b]              \n"
      "  -f                          \n"
      "  -Q<x>                       \n"
      "  -fno-neg                    [enabled]\n"
      "  -fe=[a|b|a]                 a\n"
      "not an option line\n";
  t.params_q =
      "The following options control parameters:\n"
      "  --param=p=<-5,5>            0\n"
      "  --param=q=                  someword\n"
      "  --param=r                   1\n"
      "  -fnot-a-param               1\n";
  const GccSpec spec = parse_gcc_spec(t);
  std::vector<std::string> names;
  for (const auto& o : spec.options) names.push_back(o.display_name());
  EXPECT_EQ(names, (std::vector<std::string>{"-fe=", "-fgood", "-fneg", "--param=p"}));
  EXPECT_EQ(spec.options[0].values, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(spec.options[3].min, -5);
  EXPECT_TRUE(excluded(spec, "-fgood", "listed twice"));
  for (const char* bad : {"-fbad=<3,1>", "-fhuge=<0,99999999999>", "-fweird=[a||b]", "-f", "-Q<x>",
                          "--param=r", "-fnot-a-param"}) {
    EXPECT_TRUE(excluded(spec, bad, "unrecognised")) << bad;
  }
  EXPECT_TRUE(excluded(spec, "--param=q=", "not listed"));
}

// Random damage to real help text: the parser must neither crash nor
// throw, and whatever it keeps must be self-consistent.
TEST(GccSpecParse, SurvivesMutatedInput) {
  const auto text = gcc12_text();
  std::mt19937_64 rng(7);
  const std::string alphabet = "-=<>[]|,0123456789abc \t\n";
  for (int round = 0; round < 60; ++round) {
    GccHelpText t = text;
    for (std::string* s : {&t.optimizers_q, &t.params_q, &t.optimizers_doc, &t.params_doc}) {
      for (int k = 0; k < 40; ++k) {
        const size_t at = rng() % (s->size() + 1);
        switch (rng() % 3) {
          case 0:
            s->insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
          case 1:
            if (at < s->size()) s->erase(at, 1 + rng() % 8);
            break;
          default:
            if (at < s->size()) (*s)[at] = alphabet[rng() % alphabet.size()];
        }
      }
    }
    GccSpec spec;
    ASSERT_NO_THROW(spec = parse_gcc_spec(t));
    for (const auto& o : spec.options) {
      ASSERT_GT(o.size(), 0) << o.display_name();
      EXPECT_EQ(o.choice_of(o.value_text(o.size() - 1)), o.size() - 1) << o.display_name();
    }
    EXPECT_NO_THROW(GccSpec::from_json(spec.to_json()));
  }
}

}  // namespace
}  // namespace cgym::gcc
