import { listEntries, readNumber, readText, under } from './sysfs.ts';

/** Thermal zones: /sys/class/thermal/thermal_zoneN/{type,temp}, temp in millidegrees Celsius. */

export interface ThermalZoneReading {
  zone: string;
  type: string | null;
  celsius: number | null;
  /** errno-like code when the temperature could not be read. */
  error?: string;
}

const CLASS_DIR = '/sys/class/thermal';

export async function readThermalZones(root = '/'): Promise<ThermalZoneReading[]> {
  const zones = await listEntries(under(root, CLASS_DIR), 'thermal_zone');
  const out: ThermalZoneReading[] = [];
  for (const zone of zones) {
    const type = await readText(under(root, `${CLASS_DIR}/${zone}/type`));
    const temp = await readNumber(under(root, `${CLASS_DIR}/${zone}/temp`));
    const reading: ThermalZoneReading = { zone, type: type.ok ? type.value : null, celsius: null };
    // Plausibility: -60..200 °C; drivers report e.g. -274000 or huge values when a sensor is absent.
    const c = temp.ok ? temp.value / 1000 : null;
    if (c !== null && c >= -60 && c <= 200) reading.celsius = Math.round(c * 10) / 10;
    else reading.error = temp.ok ? 'ERANGE' : temp.error;
    out.push(reading);
  }
  return out;
}

/** The hottest plausible zone in °C, or null when there is none. */
export async function maxTemperature(root = '/'): Promise<number | null> {
  const temps = (await readThermalZones(root)).map((z) => z.celsius).filter((c) => c !== null);
  return temps.length ? Math.max(...temps) : null;
}
