/**
 * tfjs 4.22 saves the `gelu_new` activation under that name but, loading a model.json, looks it up
 * as `geluNew` (it turns snake_case names into camelCase) and fails: no model.json that uses it
 * loads, its own saves included. {@link registerGeluNewActivation} registers tfjs's own `gelu_new`
 * under the name the loader asks for; it still reports itself as `gelu_new`, so models it loads
 * convert and save as before. Registered only when a caller asks, never at import.
 */
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The name tfjs saves the activation under (and the IR's). */
export const GELU_NEW = 'gelu_new';

type ActivationClass = (new () => { getClassName(): string }) & { className: string };

/** Registers `gelu_new` under the name tfjs 4.22's model.json loader looks it up by (see the module's doc). */
export const registerGeluNewActivation = perTfjs((tfjs): void => {
  const entry = tfjs.serialization.SerializationMap.getMap().classNameMap[GELU_NEW] as unknown as [ActivationClass, unknown] | undefined;
  if (!entry) return;
  class GeluNewAlias extends entry[0] {
    static override className = 'geluNew';
    override getClassName(): string {
      return GELU_NEW;
    }
  }
  registerClasses(tfjs, GeluNewAlias);
});
