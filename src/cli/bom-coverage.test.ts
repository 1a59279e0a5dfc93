// The simulator, the cloud and the enterprise meet only through core's vocabulary: every fault the
// simulator can inject on a machine type names (through FAULT_COMPONENT) a component that the
// enterprise's bill of materials holds for that type, or none. A gap here is a diagnosis the ERP
// refuses (422) and an escalation that can never be decided (seen in the MQTT-restart fault run:
// a broken rotor bar on a fan, whose BOM had no rotor).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_COMPONENT, type FaultType } from '../core/index.ts';
import { FAULT_APPLIES_TO } from '../simulator/index.ts';
import { MATERIALS } from '../enterprise/index.ts';

test('bom coverage - every fault the simulator injects names a component the BOM holds for that machine type', () => {
  const missing: string[] = [];
  for (const [fault, types] of Object.entries(FAULT_APPLIES_TO) as [FaultType, readonly string[]][]) {
    const component = FAULT_COMPONENT[fault];
    if (component === null || component === undefined) continue;
    for (const type of types) if (!MATERIALS.some((m) => m.machineType === type && m.component === component)) missing.push(`${type}/${fault} → ${component}`);
  }
  assert.deepEqual(missing, []);
});
