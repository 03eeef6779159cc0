"""scikit-learn's own estimator checks on QNNClassifier and QNNRegressor (real engine).

The settings are small so the whole run stays fast, yet large enough that the checks' score
thresholds hold (training accuracy > 0.83 on three blobs, R² > 0.5 on their regression set):
the estimators are not excused from any check (no ``poor_score`` tag, no expected failures).
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor

ESTIMATORS = [
    QNNClassifier(layers=1, epochs=5, learning_rate=0.2),
    QNNRegressor(layers=2, epochs=3, learning_rate=0.1),
]


@parametrize_with_checks(ESTIMATORS)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
