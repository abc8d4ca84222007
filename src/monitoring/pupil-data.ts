/**
 * Words in a file title that suggest the file holds pupil data. Only the yes/no answer is ever kept: the
 * title itself is not stored, logged or shown. Data, not logic: extend the list when a school asks.
 */
export const PUPIL_DATA_PATTERNS: readonly RegExp[] = [
  /\bclass[\s_-]*lists?\b/i,
  /\b(?:pupil|student|learner|child(?:ren)?)[\s_-]*(?:list|data|details|records?|reports?|names|register|tracker|info(?:rmation)?|contacts?|premium)\b/i,
  /\b(?:registers?|registration)\b/i,
  /\b(?:SEN|SEND|SENCO|EHCP|IEP|IEPs|provision[\s_-]*map)\b/,
  /\bspecial[\s_-]*educational[\s_-]*needs\b/i,
  /\bsafeguarding\b/i,
  /\bchild[\s_-]*protection\b/i,
  /\b(?:CPOMS|MyConcern|CP[\s_-]*(?:file|log|records?|plan))\b/i,
  /\b(?:looked[\s_-]*after|LAC|CiC|children[\s_-]*in[\s_-]*care)\b/,
  /\b(?:end[\s_-]*of[\s_-]*(?:year|term)|annual|school|progress|term(?:ly)?)[\s_-]*reports?\b/i,
  /\b(?:attainment|assessment[\s_-]*data|predicted[\s_-]*grades|exam[\s_-]*results|mock[\s_-]*results|SATs?[\s_-]*results)\b/i,
  /\b(?:FSM|free[\s_-]*school[\s_-]*meals|pupil[\s_-]*premium|PP[\s_-]*list)\b/i,
  /\b(?:medical|allerg(?:y|ies)|care[\s_-]*plans?|medication)\b/i,
  /\b(?:behaviou?r[\s_-]*(?:log|records?|tracker|incidents?)|exclusions?|attendance)\b/i,
  /\b(?:UPN|ULN|dates?[\s_-]*of[\s_-]*birth|DOB)\b/,
  /\b(?:parent(?:al)?|emergency)[\s_-]*contacts?\b/i,
  /\bcontact[\s_-]*details\b/i,
  /\bphoto[\s_-]*consent\b/i,
];

/** True when a title looks like it names a file of pupil data. Empty or missing titles are false. */
export function looksLikePupilData(title: string | undefined): boolean {
  if (!title) return false;
  for (const p of PUPIL_DATA_PATTERNS) if (p.test(title)) return true;
  return false;
}
