import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repositoryCrdsDir } from '../vitest/create-envtest-global-setup.ts';
import { addressFamilyRule, addressOrderRule, addressShapeRule } from './address-rules.ts';

type Schema = {
  properties?: Record<string, Schema>;
  items?: Schema;
  'x-kubernetes-validations'?: { rule: string }[];
};

describe('IPAddressPool address rules in deploy/crds', () => {
  it('are exactly the generated rules, in order', async () => {
    const crd = parse(await readFile(`${repositoryCrdsDir}/metallb.io_ipaddresspools.yaml`, 'utf8'));
    const schema: Schema = crd.spec.versions[0].schema.openAPIV3Schema;
    const rules = schema.properties?.spec?.properties?.addresses?.items?.['x-kubernetes-validations']?.map(
      (v) => v.rule,
    );
    expect(rules).toEqual([addressShapeRule, addressFamilyRule, addressOrderRule]);
  });
});
