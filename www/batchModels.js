// BATCH's four models in training order, named as the page shows them (shared by the
// worker's progress messages and the loss chart).
export const BATCH_MODELS = [
  { stage: 'classifier_x1', label: 'classifier p̂(y|x1)' },
  { stage: 'classifier_x2', label: 'classifier p̂(y|x2)' },
  { stage: 'classifier_joint', label: 'classifier p̂(y|x1,x2)' },
  { stage: 'alignment', label: 'alignment q̃' },
];
