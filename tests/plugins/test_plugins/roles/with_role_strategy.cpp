// test.strategy.with_role: a strategy with a collaborator of its own. It declares the role
// `foo` (a distance, required) beside `space`, proposes uniformly random architectures
// (nas::Rng seeded from host.seed("sample")) and tags each proposal with the distance,
// through the bound `foo`, between it and the previous proposal: "foo=3" ("foo=first" for
// the first one). The chaining tests compare the tags with the distances they compute.
#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <cmath>
#include <optional>

namespace nas::test {

class WithRoleStrategy final : public Strategy {
public:
  WithRoleStrategy(const Config &, const Host &host) : Strategy(host), rng_(host.seed("sample")) {}

  static Info info() {
    Info i;
    i.name = "test.strategy.with_role";
    i.version = "1.0.0";
    i.description = "Test strategy: random proposals tagged with the distance (role foo) "
                    "to the previous one.";
    i.roles = R"({"foo": {"kind": "distance", "required": true, )"
              R"("help": "the distance written into each proposal's tag"}, )"
              R"("space": {"kind": "space", "required": true, "help": "the space sampled"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role == "foo")
      foo_ = DistanceRef(other);
    else if (role == "space")
      space_ = SpaceRef(other);
    else
      Strategy::bind(role, other);
  }

  Ask ask(int64_t, Proposal &out) override {
    if (!space_ || !foo_)
      throw Error(NAS_ERR_INVALID_ARGUMENT, "test.strategy.with_role: foo or space not bound");
    for (uint32_t i = 0; i < out.choices.size(); ++i)
      out.choices[i] = static_cast<int32_t>(rng_.below(space_.num_options(i)));
    if (previous_) {
      double d = foo_(*previous_, out.choices);
      out.tag = "foo=" + std::to_string(std::llround(d));
    } else {
      out.tag = "foo=first";
    }
    previous_ = out.choices;
    return Ask::ok;
  }

  void tell(const Outcome &) override {}

private:
  Rng rng_;
  SpaceRef space_;
  DistanceRef foo_;
  std::optional<Choices> previous_;
};

} // namespace nas::test

NAS_PLUGIN_LIBRARY(nas::test::WithRoleStrategy);
