package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Test steps and checks that many acceptance tests share: imports, what destroy leaves, plan checks and audit
// counts. A step that only one test needs stays in that test.

// captureID stores the id of a resource after a step, for hooks of later steps.
func captureID(address string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s not in state", address)
		}
		*id = rs.Primary.ID
		return nil
	}
}

// importStep imports address by the id in state and verifies that every attribute but ignore matches the state.
func importStep(address string, ignore ...string) resource.TestStep {
	return resource.TestStep{ResourceName: address, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: ignore}
}

// tenantImportID is the import id that names the tenant explicitly: hostname, then each part ("hostname/id", or
// "hostname/space_id/id"). The parts are read when the step runs, after earlier steps captured them.
func tenantImportID(hostname string, parts ...*string) resource.ImportStateIdFunc {
	return func(*terraform.State) (string, error) {
		id := hostname
		for _, p := range parts {
			id += "/" + *p
		}
		return id, nil
	}
}

// importByTenantStep imports address by "hostname/id" and verifies every attribute but tenant_hostname (the import
// sets it, the configuration leaves it out) and ignore.
func importByTenantStep(address, hostname string, id *string, ignore ...string) resource.TestStep {
	return resource.TestStep{
		ResourceName:            address,
		ImportState:             true,
		ImportStateIdFunc:       tenantImportID(hostname, id),
		ImportStateVerify:       true,
		ImportStateVerifyIgnore: append([]string{"tenant_hostname"}, ignore...),
	}
}

// importFromTenantStep imports address by the id that names the tenant (hostname, then each part, as
// tenantImportID) and checks the import: one object, whose attribute attr is want and whose tenant_hostname is
// hostname.
func importFromTenantStep(address, hostname, attr, want string, parts ...*string) resource.TestStep {
	return resource.TestStep{
		ResourceName:      address,
		ImportState:       true,
		ImportStateIdFunc: tenantImportID(hostname, parts...),
		ImportStateCheck: func(states []*terraform.InstanceState) error {
			if len(states) != 1 || states[0].Attributes[attr] != want || states[0].Attributes["tenant_hostname"] != hostname {
				return fmt.Errorf("unexpected imported state: %+v", states)
			}
			return nil
		},
	}
}

// goneAfterDestroy is a CheckDestroy: the object of kind whose id a step captured into id is no longer in the
// tenant at hostname, looked up in the simulator's store with lookup (e.spaceByID and its like).
func goneAfterDestroy[T any](kind, hostname string, id *string, lookup func(hostname, id string) (T, bool)) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, ok := lookup(hostname, *id); ok {
			return fmt.Errorf("%s %s still exists after destroy", kind, *id)
		}
		return nil
	}
}

// noneLeftAfterDestroy is a CheckDestroy: count, the number of objects of what (plural) in the simulator, is 0.
func noneLeftAfterDestroy(what string, count func() int) resource.TestCheckFunc {
	return noneLeft(what, "after destroy", count)
}

// noneLeft checks that count, the number of objects of what (plural) in the simulator, is 0 when a step (when)
// must have taken them all away.
func noneLeft(what, when string, count func() int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := count(); n != 0 {
			return fmt.Errorf("%d %s left %s", n, what, when)
		}
		return nil
	}
}

// noSecretInState fails when a secret appears anywhere in the state.
func noSecretInState(secret string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				if strings.Contains(v, secret) {
					return fmt.Errorf("%s.%s holds the secret", addr, k)
				}
			}
		}
		return nil
	}
}

// emptyPlanAfterApply are the plan checks of a step whose apply and refresh leave an empty plan.
func emptyPlanAfterApply() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// faultInjected fails a test that runs under injected faults when the simulator injected none: without a fault it
// proves nothing.
func (e *testEnv) faultInjected() error {
	for _, a := range e.sim.Audit() {
		if a.Fault != "" {
			return nil
		}
	}
	return fmt.Errorf("no fault was injected; the test proves nothing")
}

// testUnderFaults applies config once in an environment that injects faults, then destroys it. The apply converges
// and the next plan is empty; checks hold and the simulator injected at least one fault (faultInjected). left is the
// check after the destroy (noneLeftAfterDestroy, usually).
func (e *testEnv) testUnderFaults(t *testing.T, config string, left resource.TestCheckFunc, checks ...resource.TestCheckFunc) {
	t.Helper()
	e.testCase(t, resource.TestCase{
		CheckDestroy: left,
		Steps: []resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: emptyPlanAfterApply(),
			Check: resource.ComposeAggregateTestCheckFunc(append(checks, func(*terraform.State) error {
				return e.faultInjected()
			})...),
		}},
	})
}

// planError is a configuration that must fail at plan with an error matching want; name says what is wrong with it.
type planError struct {
	name, config string
	want         *regexp.Regexp
}

// expectPlanErrorsWithoutWrites plans each configuration of cases and expects its error, then checks that none of
// them wrote to the tenant at hostname: bad input fails at plan, before any API call. The steps of then (what only
// Qlik refuses, say) run after that check, in the same test case.
func (e *testEnv) expectPlanErrorsWithoutWrites(t *testing.T, hostname string, cases []planError, then ...resource.TestStep) {
	t.Helper()
	noWrites := func() {
		if n := e.writesTo(hostname); n != 0 {
			t.Errorf("invalid configurations made %d write calls; they must fail before any API call", n)
		}
	}
	steps := make([]resource.TestStep, 0, len(cases)+len(then))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: c.want})
	}
	if len(then) > 0 {
		next := then[0]
		setup := next.PreConfig
		next.PreConfig = func() {
			noWrites()
			if setup != nil {
				setup()
			}
		}
		steps = append(append(steps, next), then[1:]...)
	}
	e.test(t, steps)
	if len(then) == 0 {
		noWrites()
	}
}

// recreateStep is the step after an out-of-band delete (remove, run before the plan): the plan re-creates the
// object at address, and afterwards the tenant holds exactly one object of its kind (count) and passes the checks
// also.
func recreateStep(t *testing.T, config, address string, remove func() error, count func() int, also ...resource.TestCheckFunc) resource.TestStep {
	one := func(*terraform.State) error {
		if n := count(); n != 1 {
			return fmt.Errorf("%d objects of %s's kind after re-create, want 1", n, address)
		}
		return nil
	}
	return resource.TestStep{
		PreConfig:        func() { must(t, remove()) },
		Config:           config,
		ConfigPlanChecks: planAction(address, plancheck.ResourceActionCreate),
		Check:            resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{one}, also...)...),
	}
}

// deleteByID is an out-of-band delete for recreateStep and its like: del (e.sim.DeleteSpace and its like) removes
// the object whose id a step captured into id from the tenant at hostname.
func deleteByID(del func(hostname, id string) error, hostname string, id *string) func() error {
	return func() error { return del(hostname, *id) }
}

// countIn counts the objects that list (e.sim.Spaces and its like) holds for the tenant at hostname, for
// recreateStep and noneLeftAfterDestroy.
func countIn[T any](list func(hostname string) []T, hostname string) func() int {
	return func() int { return len(list(hostname)) }
}

// driftStep changes or deletes the object out of band (edit, run before the plan) and applies config again: plan are the
// checks of the plan that puts it back, check looks at what the tenant holds afterwards.
func driftStep(t *testing.T, config string, edit func() error, plan resource.ConfigPlanChecks, check resource.TestCheckFunc) resource.TestStep {
	return resource.TestStep{PreConfig: func() { must(t, edit()) }, Config: config, ConfigPlanChecks: plan, Check: check}
}

// keptID captures the id of address into id and checks that it is still *before, the id the object had before a
// change made in place.
func keptID(address string, id, before *string) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(captureID(address, id), func(*terraform.State) error {
		if *id != *before {
			return fmt.Errorf("the id of %s changed from %s to %s on an in-place update", address, *before, *id)
		}
		return nil
	})
}

// replacedID captures the id of address into id and checks that it differs from *before, the id the object had
// before a change that must replace it.
func replacedID(address string, id, before *string) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(captureID(address, id), func(*terraform.State) error {
		if *id == *before {
			return fmt.Errorf("%s kept its id %s across a replace", address, *id)
		}
		return nil
	})
}

// createStep applies config, which creates the object at address: the plan creates it and the next plan is empty.
// It captures the object's id into id, then checks the state with state and runs checks.
func createStep(config, address string, id *string, state []statecheck.StateCheck, checks ...resource.TestCheckFunc) resource.TestStep {
	return resource.TestStep{
		Config:            config,
		ConfigStateChecks: state,
		ConfigPlanChecks:  planThenEmpty(address, plancheck.ResourceActionCreate),
		Check:             resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{captureID(address, id)}, checks...)...),
	}
}

// replaceStep applies config, which replaces the object at address: the plan destroys it, then creates it anew, and
// the next plan is empty. It captures the new id into id, checks that it differs from *before (replacedID), and
// runs checks.
func replaceStep(config, address string, id, before *string, checks ...resource.TestCheckFunc) resource.TestStep {
	return resource.TestStep{
		Config:           config,
		ConfigPlanChecks: planThenEmpty(address, plancheck.ResourceActionDestroyBeforeCreate),
		Check:            resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{replacedID(address, id, before)}, checks...)...),
	}
}

// calls checks that the simulator answered want calls of method on route (the route pattern, as in the API's paths)
// at hostname; an empty method, route or hostname matches any.
func (e *testEnv) calls(method, route, hostname string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := e.sim.AuditCount(method, route, hostname); n != want {
			return fmt.Errorf("%d calls of %s %s on %q, want %d", n, method, route, hostname, want)
		}
		return nil
	}
}

// theOnly checks that the tenant at hostname holds exactly one object of kind (list, e.sim.Tasks and its like,
// lists them) and that match accepts it.
func theOnly[T any](kind string, list func(hostname string) []T, hostname string, match func(T) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		all := list(hostname)
		if len(all) != 1 {
			return fmt.Errorf("%d %s, want 1", len(all), kind)
		}
		return match(all[0])
	}
}

// State checks of one top-level attribute of the resource (or data source) at address, after a step. A check of a
// nested value or an output uses statecheck directly.

// hasValue checks that attribute attr of address holds a value that want accepts.
func hasValue(address, attr string, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, tfjsonpath.New(attr), want)
}

// hasString checks that attribute attr of address is the string want.
func hasString(address, attr, want string) statecheck.StateCheck {
	return hasValue(address, attr, knownvalue.StringExact(want))
}

// hasBool checks that attribute attr of address is the bool want.
func hasBool(address, attr string, want bool) statecheck.StateCheck {
	return hasValue(address, attr, knownvalue.Bool(want))
}

// hasInt checks that attribute attr of address is the number want.
func hasInt(address, attr string, want int64) statecheck.StateCheck {
	return hasValue(address, attr, knownvalue.Int64Exact(want))
}

// hasStrings checks that attribute attr of address is a set of exactly the strings want.
func hasStrings(address, attr string, want ...string) statecheck.StateCheck {
	elems := make([]knownvalue.Check, len(want))
	for i, w := range want {
		elems[i] = knownvalue.StringExact(w)
	}
	return hasValue(address, attr, knownvalue.SetExact(elems))
}

// matches checks that attribute attr of address is a string that matches the regular expression pattern.
func matches(address, attr, pattern string) statecheck.StateCheck {
	return hasValue(address, attr, knownvalue.StringRegexp(regexp.MustCompile(pattern)))
}

// isNull checks that attribute attr of address is null.
func isNull(address, attr string) statecheck.StateCheck {
	return hasValue(address, attr, knownvalue.Null())
}

// isSet checks that attribute attr of address is not null.
func isSet(address, attr string) statecheck.StateCheck {
	return hasValue(address, attr, knownvalue.NotNull())
}

// sameValue checks that attribute attr of address holds the same value as attribute otherAttr of other.
func sameValue(address, attr, other, otherAttr string) statecheck.StateCheck {
	return statecheck.CompareValuePairs(address, tfjsonpath.New(attr), other, tfjsonpath.New(otherAttr), compare.ValuesSame())
}

// plannedValue is a plan check: the plan gives attribute attr of address a value that want accepts.
func plannedValue(address, attr string, want knownvalue.Check) plancheck.PlanCheck {
	return plancheck.ExpectKnownValue(address, tfjsonpath.New(attr), want)
}

// plannedUnknown is a plan check: the value of attribute attr of address is known only after apply.
func plannedUnknown(address, attr string) plancheck.PlanCheck {
	return plancheck.ExpectUnknownValue(address, tfjsonpath.New(attr))
}
