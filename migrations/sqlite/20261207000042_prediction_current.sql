-- One model in use at a time, even when two trainings end together.
CREATE UNIQUE INDEX prediction_models_current ON prediction_models (current) WHERE current;
